package poagen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/kycd/kycd/kyc"
)

// Invented people and places. None of them is meant to be a real person or address.
var (
	enGiven = []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Noah",
		"Emily", "Thomas", "Grace", "James", "Sophie", "William", "Chloe", "Daniel", "Lucy", "Samuel",
		"Hannah", "Michael", "Sarah", "David", "Laura", "Robert", "Emma", "Joseph", "Olivia", "Charles",
		"Ella", "Priya", "Omar", "Aisha", "Lucas", "Nadia", "Connor", "Freya", "Arjun", "Zara", "Felix"}
	enSurname = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
		"Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
		"Jackson", "Clarke", "Patel", "Khan", "Lewis", "Harris", "Martin", "Cooper", "King", "Baker",
		"Turner", "Hughes", "Okafor", "Novak", "Fischer", "Moreau", "Kowalski", "Lindqvist", "Murphy",
		"Gallagher", "Nguyen", "Santos"}
	enMiddle  = []string{"Anne", "James", "Marie", "Lee", "Rose", "John", "Louise", "Edward"}
	zhSurname = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱",
		"胡", "郭", "何", "林", "罗", "高", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧"}
	zhGiven = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
		"涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕", "文博", "子涵",
		"雨轩", "思远", "嘉怡", "俊杰", "欣然", "浩然", "梓萱", "宇航"}

	streetNames = []string{"Baker", "Maple", "Oak", "Elm", "Station", "Church", "Victoria", "Park",
		"High", "Mill", "Queen", "King", "Wattle", "Harbour", "Cedar", "Willow", "Meadow", "River",
		"Chestnut", "Orchard", "Windsor", "Albert", "Beech", "Granville", "Ashford", "Larkspur"}
	streetSuffix = []string{"Street", "Road", "Avenue", "Lane", "Drive", "Close", "Crescent", "Way",
		"Place", "Court", "Terrace", "Gardens"}
	abbrev = map[string]string{"Street": "St", "Road": "Rd", "Avenue": "Ave", "Lane": "Ln", "Drive": "Dr",
		"Crescent": "Cres", "Place": "Pl", "Court": "Ct", "Terrace": "Tce", "Gardens": "Gdns", "Close": "Cl", "Way": "Way"}

	gbCities = []string{"London", "Manchester", "Leeds", "Bristol", "York", "Norwich", "Exeter", "Bath"}
	usCities = [][2]string{{"Springfield", "IL"}, {"Riverside", "CA"}, {"Fairview", "TX"},
		{"Madison", "WI"}, {"Georgetown", "KY"}, {"Salem", "OR"}, {"Franklin", "TN"}}
	auCities = [][2]string{{"Brunswick", "VIC"}, {"Fremantle", "WA"}, {"Glebe", "NSW"},
		{"Paddington", "QLD"}, {"Norwood", "SA"}}

	cnCities = [][]string{
		{"北京市", "朝阳区", "海淀区", "东城区", "丰台区"},
		{"上海市", "浦东新区", "徐汇区", "静安区", "杨浦区"},
		{"广州市", "天河区", "越秀区", "海珠区"},
		{"深圳市", "南山区", "福田区", "罗湖区"},
		{"杭州市", "西湖区", "拱墅区", "滨江区"},
		{"成都市", "武侯区", "锦江区", "青羊区"},
		{"南京市", "鼓楼区", "玄武区", "秦淮区"},
		{"武汉市", "江汉区", "武昌区", "洪山区"},
	}
	cnRoads = []string{"建国路", "中山路", "人民路", "解放路", "长安街", "南京路", "文化路", "和平路",
		"学院路", "滨江大道", "光明路", "新华路", "东风路", "青年路", "复兴路", "胜利街"}
)

// person is an invented applicant: the profile name and how documents print it.
type person struct {
	zh         bool
	given, sur string // Latin, or Han for zh
	middle     string
	// noInitial prints the given name in full: for someone else's document, where "J Smith"
	// could be the applicant John Smith as well as his brother James.
	noInitial bool
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func newPerson(r *rand.Rand, zh bool) person {
	if zh {
		p := person{zh: true, sur: pick(r, zhSurname), given: pick(r, zhGiven)}
		return p
	}
	p := person{given: pick(r, enGiven), sur: pick(r, enSurname)}
	if r.IntN(4) == 0 {
		p.middle = pick(r, enMiddle)
	}
	return p
}

// relative returns another person of the same family: same surname, another given name.
func (p person) relative(r *rand.Rand) person {
	q := p
	q.middle = ""
	for q.given == p.given {
		if p.zh {
			q.given = pick(r, zhGiven)
		} else {
			q.given = pick(r, enGiven)
		}
	}
	return q
}

// stranger returns an unrelated person.
func (p person) stranger(r *rand.Rand) person {
	for {
		q := newPerson(r, p.zh)
		if q.sur != p.sur && q.given != p.given {
			return q
		}
	}
}

// printed is the name as a document prints it (variant chosen by r).
func (p person) printed(r *rand.Rand) string {
	if p.zh {
		return p.sur + p.given
	}
	title := pick(r, []string{"", "", "Mr ", "Ms ", "Mrs ", "Dr "})
	switch r.IntN(7) {
	case 3:
		return strings.ToUpper(p.sur) + ", " + p.given // surname first, as some banks print
	case 0:
		return strings.ToUpper(title + p.given + " " + p.sur)
	case 1:
		if !p.noInitial {
			return title + p.given[:1] + " " + p.sur
		}
	case 2:
		if p.middle != "" {
			return title + p.given + " " + p.middle + " " + p.sur
		}
	}
	return title + p.given + " " + p.sur
}

// address is an invented postal address, with the applicant's profile form and the printed form.
type address struct {
	country string
	// Latin addresses
	num, street, suffix, unit, city, region, postal string
	// Chinese addresses
	cnCity, cnDistrict, cnRoad, cnNum, cnBldg, cnRoom string
}

func newAddress(r *rand.Rand, country string) address {
	a := address{country: country}
	switch country {
	case "CHN":
		c := pick(r, cnCities)
		a.cnCity, a.cnDistrict, a.cnRoad = c[0], pick(r, c[1:]), pick(r, cnRoads)
		a.cnNum = fmt.Sprint(1 + r.IntN(300))
		a.cnBldg = fmt.Sprint(1+r.IntN(20)) + pick(r, []string{"号楼", "栋", "幢"})
		a.cnRoom = fmt.Sprint((2+r.IntN(28))*100 + 1 + r.IntN(8))
		if r.IntN(3) == 0 {
			a.cnRoom = fmt.Sprint(1+r.IntN(6)) + "单元" + a.cnRoom
		}
		a.postal = fmt.Sprintf("%d%05d", 1+r.IntN(8), r.IntN(100000))
		return a
	case "USA":
		c := pick(r, usCities)
		a.city, a.region = c[0], c[1]
		a.num = fmt.Sprint(100 + r.IntN(9800))
		a.postal = fmt.Sprintf("%05d", 10000+r.IntN(89999))
		if r.IntN(2) == 0 {
			a.unit = "Apt " + fmt.Sprint(1+r.IntN(20)) + string(rune('A'+r.IntN(6)))
		}
	case "AUS":
		c := pick(r, auCities)
		a.city, a.region = c[0], c[1]
		a.num = fmt.Sprint(1 + r.IntN(200))
		a.postal = fmt.Sprintf("%04d", 2000+r.IntN(5000))
		if r.IntN(2) == 0 {
			a.unit = "Unit " + fmt.Sprint(1+r.IntN(30))
		}
	default: // GBR
		a.city = pick(r, gbCities)
		a.num = fmt.Sprint(1 + r.IntN(250))
		l := "ABCDEFGHJKLMNPRSTUWY"
		a.postal = fmt.Sprintf("%c%c%d %d%c%c", l[r.IntN(len(l))], l[r.IntN(len(l))], 1+r.IntN(20), r.IntN(10),
			l[r.IntN(len(l))], l[r.IntN(len(l))])
		if r.IntN(2) == 0 {
			a.unit = "Flat " + fmt.Sprint(1+r.IntN(12)) + string(rune('A'+r.IntN(4)))
		}
	}
	a.street, a.suffix = pick(r, streetNames), pick(r, streetSuffix)
	return a
}

// elsewhere returns another address: in the same city (another street and number) or anywhere.
func (a address) elsewhere(r *rand.Rand) address {
	for {
		b := newAddress(r, a.country)
		if r.IntN(2) == 0 { // same city, another street
			b.city, b.region, b.cnCity, b.cnDistrict = a.city, a.region, a.cnCity, a.cnDistrict
		}
		if a.country == "CHN" && b.cnRoad != a.cnRoad || a.country != "CHN" && b.street != a.street {
			if b.postal == a.postal {
				continue
			}
			return b
		}
	}
}

// profile is the address as the applicant typed it.
func (a address) profile(r *rand.Rand) *kyc.Address {
	if a.country == "CHN" {
		p := &kyc.Address{Line1: a.cnRoad + a.cnNum + "号" + a.cnBldg + a.cnRoom + "室", Line2: a.cnDistrict,
			City: a.cnCity, PostalCode: a.postal, Country: "CHN"}
		if r.IntN(3) == 0 { // small before big, as some applicants type it
			p.Line1 = a.cnRoom + "室, " + a.cnBldg + ", " + a.cnRoad + a.cnNum + "号"
		}
		return p
	}
	street := a.num + " " + a.street + " " + a.suffix
	if r.IntN(3) == 0 {
		street = a.num + " " + a.street + " " + abbrev[a.suffix]
	}
	p := &kyc.Address{Line1: street, Line2: a.unit, City: a.city, PostalCode: a.postal, Country: a.country}
	if a.unit != "" && r.IntN(2) == 0 {
		p.Line1, p.Line2 = a.unit+", "+street, ""
	}
	if a.country == "GBR" && r.IntN(3) == 0 {
		p.PostalCode = strings.ReplaceAll(p.PostalCode, " ", "")
	}
	return p
}

// printedLines is the address block as a document prints it.
func (a address) printedLines(r *rand.Rand) []string {
	if a.country == "CHN" {
		city := a.cnCity
		if r.IntN(4) == 0 {
			city = strings.TrimSuffix(city, "市")
		}
		full := city + a.cnDistrict + a.cnRoad + a.cnNum + "号" + a.cnBldg + a.cnRoom + "室"
		if r.IntN(3) == 0 {
			return []string{city + a.cnDistrict + a.cnRoad + a.cnNum + "号", a.cnBldg + a.cnRoom + "室"}
		}
		return []string{full}
	}
	suffix := a.suffix
	if r.IntN(3) == 0 {
		suffix = abbrev[a.suffix]
	}
	street := a.num + " " + a.street + " " + suffix
	var lines []string
	unit := a.unit
	if unit != "" && r.IntN(3) == 0 {
		unit = strings.Replace(strings.Replace(unit, "Flat", "Apartment", 1), "Apt", "Apartment", 1)
	}
	switch {
	case unit != "" && r.IntN(2) == 0:
		lines = append(lines, unit+", "+street)
	case unit != "":
		lines = append(lines, unit, street)
	default:
		lines = append(lines, street)
	}
	switch a.country {
	case "USA":
		lines = append(lines, a.city+", "+a.region+" "+a.postal)
	case "AUS":
		lines = append(lines, strings.ToUpper(a.city)+" "+a.region+" "+a.postal)
	default:
		lines = append(lines, a.city, a.postal)
	}
	if r.IntN(4) == 0 {
		for i := range lines {
			lines[i] = strings.ToUpper(lines[i])
		}
	}
	if r.IntN(6) == 0 { // all on one line
		return []string{strings.Join(lines, ", ")}
	}
	return lines
}
