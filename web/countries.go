package web

// country is an ISO 3166-1 alpha-3 code with its name in both languages, for the pickers.
type country struct {
	Code string `json:"code"`
	EN   string `json:"en"`
	ZH   string `json:"zh"`
}

// countries are offered in the applicant flow's pickers. A level's document configuration
// decides which of them are accepted ("*" covers every country not named).
var countries = []country{
	{"ARE", "United Arab Emirates", "阿拉伯联合酋长国"}, {"ARG", "Argentina", "阿根廷"}, {"AUS", "Australia", "澳大利亚"},
	{"AUT", "Austria", "奥地利"}, {"BEL", "Belgium", "比利时"}, {"BGR", "Bulgaria", "保加利亚"}, {"BRA", "Brazil", "巴西"},
	{"CAN", "Canada", "加拿大"}, {"CHE", "Switzerland", "瑞士"}, {"CHL", "Chile", "智利"}, {"CHN", "China", "中国"},
	{"COL", "Colombia", "哥伦比亚"}, {"CZE", "Czechia", "捷克"}, {"DEU", "Germany", "德国"}, {"DNK", "Denmark", "丹麦"},
	{"EGY", "Egypt", "埃及"}, {"ESP", "Spain", "西班牙"}, {"EST", "Estonia", "爱沙尼亚"}, {"FIN", "Finland", "芬兰"},
	{"FRA", "France", "法国"}, {"GBR", "United Kingdom", "英国"}, {"GRC", "Greece", "希腊"}, {"HKG", "Hong Kong (China)", "中国香港"},
	{"HRV", "Croatia", "克罗地亚"}, {"HUN", "Hungary", "匈牙利"}, {"IDN", "Indonesia", "印度尼西亚"}, {"IND", "India", "印度"},
	{"IRL", "Ireland", "爱尔兰"}, {"ISR", "Israel", "以色列"}, {"ITA", "Italy", "意大利"}, {"JPN", "Japan", "日本"},
	{"KAZ", "Kazakhstan", "哈萨克斯坦"}, {"KOR", "South Korea", "韩国"}, {"LTU", "Lithuania", "立陶宛"}, {"LUX", "Luxembourg", "卢森堡"},
	{"LVA", "Latvia", "拉脱维亚"}, {"MAC", "Macao (China)", "中国澳门"}, {"MEX", "Mexico", "墨西哥"}, {"MYS", "Malaysia", "马来西亚"},
	{"NGA", "Nigeria", "尼日利亚"}, {"NLD", "Netherlands", "荷兰"}, {"NOR", "Norway", "挪威"}, {"NZL", "New Zealand", "新西兰"},
	{"PHL", "Philippines", "菲律宾"}, {"POL", "Poland", "波兰"}, {"PRT", "Portugal", "葡萄牙"}, {"ROU", "Romania", "罗马尼亚"},
	{"RUS", "Russia", "俄罗斯"}, {"SAU", "Saudi Arabia", "沙特阿拉伯"}, {"SGP", "Singapore", "新加坡"}, {"SVK", "Slovakia", "斯洛伐克"},
	{"SVN", "Slovenia", "斯洛文尼亚"}, {"SWE", "Sweden", "瑞典"}, {"THA", "Thailand", "泰国"}, {"TUR", "Türkiye", "土耳其"},
	{"TWN", "Taiwan (China)", "中国台湾"}, {"UKR", "Ukraine", "乌克兰"}, {"USA", "United States", "美国"}, {"VNM", "Viet Nam", "越南"},
	{"ZAF", "South Africa", "南非"},
}
