package poagen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// item is one run of text on an A4 page: position in millimetres from the top-left corner (x of
// the left edge, or of the right edge when right is set; y of the baseline), size in points.
type item struct {
	x, y  float64
	size  float64
	bold  bool
	right bool
	text  string
}

// page is the content of one printed page.
type page struct{ items []item }

func (p *page) add(x, y, size float64, bold bool, s string) {
	if s != "" {
		p.items = append(p.items, item{x: x, y: y, size: size, bold: bold, text: s})
	}
}

func (p *page) addRight(x, y, size float64, s string) {
	p.items = append(p.items, item{x: x, y: y, size: size, right: true, text: s})
}

// Kind is a document type, as the engine classifies it.
type Kind string

// Document kinds.
const (
	Utility    Kind = "utility_bill"
	Bank       Kind = "bank_statement"
	Tax        Kind = "tax_letter"
	Government Kind = "government_letter"
	Phone      Kind = "phone_bill"
	Insurance  Kind = "insurance"
)

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}

// fmtDate prints t in one of the styles documents use in lang and country.
func fmtDate(style int, t time.Time, zh bool, country string) string {
	d, m, y := t.Day(), int(t.Month()), t.Year()
	if zh {
		switch style % 5 {
		case 0:
			return fmt.Sprintf("%d年%d月%d日", y, m, d)
		case 1:
			return fmt.Sprintf("%d年%02d月%02d日", y, m, d)
		case 2:
			return fmt.Sprintf("%d-%02d-%02d", y, m, d)
		case 3:
			return fmt.Sprintf("%d/%02d/%02d", y, m, d)
		default:
			return fmt.Sprintf("%d.%02d.%02d", y, m, d)
		}
	}
	mon := months[m-1]
	switch style % 8 {
	case 0:
		return fmt.Sprintf("%d %s %d", d, mon, y)
	case 1:
		return fmt.Sprintf("%02d %s %d", d, mon[:3], y)
	case 2:
		return fmt.Sprintf("%s %d, %d", mon[:3], d, y)
	case 3:
		return fmt.Sprintf("%s %d, %d", mon, d, y)
	case 4:
		return fmt.Sprintf("%d-%02d-%02d", y, m, d)
	case 5:
		return fmt.Sprintf("%d%s %s %d", d, ordinal(d), mon, y)
	default:
		if country == "USA" {
			return fmt.Sprintf("%02d/%02d/%d", m, d, y)
		}
		return fmt.Sprintf("%02d/%02d/%d", d, m, y)
	}
}

func ordinal(d int) string {
	switch {
	case d == 11 || d == 12 || d == 13:
		return "th"
	case d%10 == 1:
		return "st"
	case d%10 == 2:
		return "nd"
	case d%10 == 3:
		return "rd"
	}
	return "th"
}

// billSpec is what one document shows.
type billSpec struct {
	kind    Kind
	zh      bool
	country string
	issue   time.Time // zero: no issue date printed
	// periodOnly prints the statement period and no statement date (the issue date is the
	// period's end).
	periodOnly bool
	name       string   // "" prints no addressee name
	addr       []string // nil prints no address
	dueDate    bool     // print a due date even without an issue date
	style      int      // the date style, one per document
}

type company struct{ name, title, addr string }

var enCompanies = map[Kind][]company{
	Utility: {
		{"Northern Power Ltd", "Your electricity bill", "Northern Power Ltd, 1 Generator Way, Reading RG1 1AA. Registered in England No 04123456."},
		{"BlueWater Utilities plc", "Water services bill", "BlueWater Utilities plc, Reservoir House, 40 Canal Street, Derby DE1 2RJ."},
		{"Meridian Gas & Electric", "Your gas and electricity bill", "Meridian Energy Supply Ltd, 77 Furnace Road, Sheffield S3 8RY."},
		{"Lakeside Energy", "Energy statement", "Lakeside Energy Inc., 2200 Turbine Blvd, Columbus, OH 43004."},
	},
	Bank: {
		{"Harbour Bank plc", "Statement of account", "Harbour Bank plc, 5 Quay Street, Bristol BS1 4DJ. Authorised by the Prudential Regulation Authority."},
		{"First Meridian Bank", "Current account statement", "First Meridian Bank, N.A., 900 Commerce Plaza, Dallas, TX 75201. Member FDIC."},
		{"Southern Cross Savings Bank", "Everyday account statement", "Southern Cross Savings Bank Ltd, 18 George Street, Sydney NSW 2000."},
	},
	Tax: {
		{"National Revenue Service", "Notice of tax code", "National Revenue Service, Revenue House, 1 Treasury Road, Cardiff CF10 1AB."},
		{"Westford City Council", "Council Tax bill", "Westford City Council, Civic Centre, 3 Market Square, Westford WF1 2CC."},
		{"Department of Taxation", "Tax assessment notice", "Department of Taxation, 450 Capitol Avenue, Springfield, IL 62701."},
	},
	Government: {
		{"Westford City Council", "Electoral registration confirmation", "Electoral Registration Office, Civic Centre, 3 Market Square, Westford WF1 2CC."},
		{"Department for Work and Pensions", "Notice of benefit entitlement", "Department for Work and Pensions, Benefit Centre, PO Box 2000, Wolverhampton WV98 1AA."},
		{"Ministry of Home Affairs", "Confirmation of residence", "Ministry of Home Affairs, 12 Parliament Walk, Canberra ACT 2600."},
	},
	Phone: {
		{"Skyline Mobile", "Your mobile phone bill", "Skyline Mobile Ltd, 9 Antenna Park, Slough SL1 4QZ."},
		{"OrbitTel", "Phone and broadband bill", "OrbitTel Communications, 300 Fiber Drive, Austin, TX 73301."},
	},
	Insurance: {
		{"Shield Home Insurance", "Home insurance policy schedule", "Shield Insurance Company Ltd, 1 Lloyd Avenue, Norwich NR1 3NG."},
		{"Guardian Motor Insurance", "Car insurance renewal notice", "Guardian Motor Insurance, 75 Policy Lane, Hartford, CT 06103."},
	},
}

var zhCompanies = map[Kind][]company{
	Utility: {
		{"华北电力供电公司", "电费账单", "华北电力供电公司 客服热线：95598 地址：北京市西城区供电大街1号"},
		{"城市自来水有限公司", "水费缴费通知单", "城市自来水有限公司 服务地址：上海市黄浦区水务路18号"},
		{"燃气集团有限公司", "燃气费账单", "燃气集团有限公司 营业厅：广州市越秀区燃气路6号"},
	},
	Bank: {
		{"中原商业银行", "个人账户对账单", "中原商业银行股份有限公司 地址：郑州市金水区金融街8号"},
		{"江南储蓄银行", "储蓄账户对账单", "江南储蓄银行 地址：杭州市上城区银行路99号"},
	},
	Tax: {
		{"国家税务总局东城区税务局", "个人所得税纳税记录", "国家税务总局东城区税务局 地址：北京市东城区税务街2号"},
	},
	Government: {
		{"和平街道办事处", "居住证明", "和平街道办事处 地址：天津市和平区政务路5号"},
		{"市社会保险事业管理中心", "社会保险参保证明", "市社会保险事业管理中心 地址：南京市鼓楼区社保路1号"},
	},
	Phone: {
		{"天际移动通信", "话费账单", "天际移动通信有限公司 客服：10086 地址：深圳市福田区通信路3号"},
		{"星联宽带", "宽带及固话账单", "星联宽带有限公司 地址：成都市高新区网络大道7号"},
	},
	Insurance: {
		{"安盛财产保险股份有限公司", "家庭财产保险单", "安盛财产保险股份有限公司 地址：上海市浦东新区保险大厦"},
	},
}

// render lays out the document.
func (b billSpec) render(r *rand.Rand) page {
	if b.zh {
		return b.renderZH(r)
	}
	return b.renderEN(r)
}

func money(r *rand.Rand, cur string) string {
	return fmt.Sprintf("%s%d.%02d", cur, 10+r.IntN(400), r.IntN(100))
}

func (b billSpec) renderEN(r *rand.Rand) page {
	var p page
	co := pick(r, enCompanies[b.kind])
	cur := map[string]string{"USA": "$", "AUS": "A$"}[b.country]
	if cur == "" {
		cur = "£"
	}
	p.add(20, 22, 16, true, co.name)
	p.addRight(190, 22, 9, pick(r, []string{"Customer service 0800 123 4567", "www.example.com/help", "Help: 0345 600 7000"}))
	p.add(20, 34, 13, true, co.title)
	// the reference column
	y := 48.0
	periodEnd := b.issue.AddDate(0, 0, -(1 + r.IntN(5)))
	if b.periodOnly {
		periodEnd = b.issue
	}
	periodStart := periodEnd.AddDate(0, -1, 1)
	if !b.issue.IsZero() && !b.periodOnly {
		label := map[Kind][]string{
			Utility:    {"Bill date:", "Date of bill:", "Issue date:", "Statement date:", "Invoice date:"},
			Bank:       {"Statement date:", "Date:", "Statement issued:"},
			Tax:        {"Date:", "Date of issue:", ""},
			Government: {"Date:", "Date of issue:", ""},
			Phone:      {"Bill date:", "Invoice date:"},
			Insurance:  {"Date of issue:", "Issued on:"},
		}[b.kind]
		l := pick(r, label)
		if l == "" {
			p.addRight(190, y, 10, fmtDate(b.style, b.issue, false, b.country))
		} else {
			p.add(120, y, 10, false, l+" "+fmtDate(b.style, b.issue, false, b.country))
		}
		y += 6
	}
	p.add(120, y, 10, false, fmt.Sprintf("Account number: %d %04d %04d", 10+r.IntN(89), r.IntN(10000), r.IntN(10000)))
	y += 6
	p.add(120, y, 10, false, "Page 1 of 1")
	// the addressee
	y = 60
	if b.name != "" {
		p.add(20, y, 11, false, b.name)
		y += 5.5
	} else if b.addr != nil && r.IntN(2) == 0 {
		p.add(20, y, 11, false, pick(r, []string{"The Occupier", "The Resident", "The Account Holder"}))
		y += 5.5
	}
	for _, l := range b.addr {
		p.add(20, y, 11, false, l)
		y += 5.5
	}
	y = max(y+10, 95)
	salute := "Dear Customer,"
	if b.name != "" && r.IntN(2) == 0 {
		salute = "Dear " + b.name + ","
	}
	p.add(20, y, 10, false, salute)
	y += 8
	hasPeriod := b.kind == Utility || b.kind == Bank || b.kind == Phone
	if (hasPeriod && !b.issue.IsZero()) || b.periodOnly {
		lab := map[Kind]string{Utility: "Billing period:", Bank: "Statement period:", Phone: "Bill period:"}[b.kind]
		sep := pick(r, []string{" – ", " - ", " to "})
		p.add(20, y, 10, false, lab+" "+fmtDate(b.style, periodStart, false, b.country)+sep+fmtDate(b.style, periodEnd, false, b.country))
		y += 8
	}
	switch b.kind {
	case Utility:
		p.add(20, y, 10, false, fmt.Sprintf("Electricity used: %d kWh", 120+r.IntN(600)))
		p.addRight(190, y, 10, money(r, cur))
		y += 6
		p.add(20, y, 10, false, "Standing charge")
		p.addRight(190, y, 10, money(r, cur))
		y += 6
		if !b.issue.IsZero() && r.IntN(2) == 0 {
			p.add(20, y, 10, false, "Meter read on "+fmtDate(b.style, periodEnd, false, b.country))
			y += 6
		}
	case Bank:
		p.add(20, y, 10, true, "Date")
		p.add(60, y, 10, true, "Description")
		p.addRight(190, y, 10, "Amount")
		y += 6
		if !b.issue.IsZero() {
			for i := 0; i < 4+r.IntN(4); i++ {
				d := periodStart.AddDate(0, 0, (i*29)/8+r.IntN(3))
				if d.After(periodEnd) {
					d = periodEnd
				}
				p.add(20, y, 10, false, fmtDate(b.style, d, false, b.country))
				p.add(60, y, 10, false, pick(r, []string{"Card payment GROCER", "Direct debit RENT", "Transfer from SAVINGS", "Salary ACME LTD", "ATM withdrawal"}))
				p.addRight(190, y, 10, money(r, cur))
				y += 6
			}
		}
		p.add(20, y, 10, false, "Closing balance "+money(r, cur))
		y += 6
	case Tax:
		p.add(20, y, 10, false, "Your tax code for the tax year is 1257L.")
		y += 6
		p.add(20, y, 10, false, "Reference: "+fmt.Sprintf("%03d/%05d", r.IntN(1000), r.IntN(100000)))
		y += 6
	case Government:
		p.add(20, y, 10, false, "We confirm that you are registered at the address above.")
		y += 6
	case Phone:
		p.add(20, y, 10, false, fmt.Sprintf("Mobile number: 07700 %06d", r.IntN(1000000)))
		y += 6
		p.add(20, y, 10, false, fmt.Sprintf("Calls %d min, texts %d, data %d.%d GB", r.IntN(400), r.IntN(200), r.IntN(40), r.IntN(10)))
		p.addRight(190, y, 10, money(r, cur))
		y += 6
	case Insurance:
		p.add(20, y, 10, false, fmt.Sprintf("Policy number: HX-%06d", r.IntN(1000000)))
		y += 6
		p.add(20, y, 10, false, "Annual premium "+money(r, cur))
		y += 6
	}
	if (b.kind == Utility || b.kind == Phone) && (!b.issue.IsZero() || b.dueDate) {
		due := b.issue
		if due.IsZero() {
			due = time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		due = due.AddDate(0, 0, 14+r.IntN(8))
		y += 4
		p.add(20, y, 11, true, fmt.Sprintf("Amount due %s, payment due by %s", money(r, cur), fmtDate(b.style, due, false, b.country)))
		y += 6
	}
	p.add(20, 280, 7, false, co.addr)
	return p
}

func (b billSpec) renderZH(r *rand.Rand) page {
	var p page
	co := pick(r, zhCompanies[b.kind])
	p.add(20, 22, 16, true, co.name)
	p.add(20, 34, 14, true, co.title)
	y := 48.0
	periodEnd := b.issue.AddDate(0, 0, -(1 + r.IntN(5)))
	if b.periodOnly {
		periodEnd = b.issue
	}
	periodStart := periodEnd.AddDate(0, -1, 1)
	if !b.issue.IsZero() && !b.periodOnly {
		label := map[Kind][]string{
			Utility:    {"账单日期：", "出账日期：", "开票日期："},
			Bank:       {"对账日期：", "打印日期："},
			Tax:        {"开具日期：", "填发日期："},
			Government: {"日期：", "开具日期："},
			Phone:      {"出账日期：", "账单日期："},
			Insurance:  {"签发日期：", "签单日期："},
		}[b.kind]
		p.add(115, y, 10, false, pick(r, label)+fmtDate(b.style, b.issue, true, b.country))
		y += 6
	}
	p.add(115, y, 10, false, fmt.Sprintf("户号：%d%08d", 1+r.IntN(9), r.IntN(100000000)))
	y = 60
	if b.name != "" {
		lab := map[Kind]string{Utility: "户名：", Bank: "户名：", Tax: "纳税人名称：", Government: "姓名：", Phone: "客户名称：", Insurance: "投保人："}[b.kind]
		p.add(20, y, 11, false, lab+b.name)
		y += 6
	}
	if b.addr != nil {
		lab := map[Kind]string{Utility: "用电地址：", Bank: "通讯地址：", Tax: "地址：", Government: "住址：", Phone: "账单地址：", Insurance: "保险标的地址："}[b.kind]
		if b.kind == Utility && strings.Contains(co.name, "水") {
			lab = "用水地址："
		}
		for i, l := range b.addr {
			if i > 0 {
				lab = ""
			}
			p.add(20, y, 11, false, lab+l)
			y += 6
		}
	}
	y = max(y+8, 90)
	if b.name != "" && r.IntN(2) == 0 {
		p.add(20, y, 10, false, "尊敬的"+b.name+"：")
	} else {
		p.add(20, y, 10, false, "尊敬的客户：")
	}
	y += 8
	hasPeriod := b.kind == Utility || b.kind == Bank || b.kind == Phone
	if (hasPeriod && !b.issue.IsZero()) || b.periodOnly {
		lab := map[Kind]string{Utility: "计费周期：", Bank: "对账期间：", Phone: "账单周期："}[b.kind]
		sep := pick(r, []string{"至", " - ", "～"})
		p.add(20, y, 10, false, lab+fmtDate(b.style, periodStart, true, b.country)+sep+fmtDate(b.style, periodEnd, true, b.country))
		y += 8
	}
	switch b.kind {
	case Utility:
		p.add(20, y, 10, false, fmt.Sprintf("本期用量：%d 千瓦时", 100+r.IntN(500)))
		p.add(140, y, 10, false, money(r, "¥"))
		y += 6
	case Bank:
		p.add(20, y, 10, true, "交易日期")
		p.add(60, y, 10, true, "摘要")
		p.add(150, y, 10, true, "金额")
		y += 6
		if !b.issue.IsZero() {
			for i := 0; i < 4+r.IntN(4); i++ {
				d := periodStart.AddDate(0, 0, (i*29)/8+r.IntN(3))
				if d.After(periodEnd) {
					d = periodEnd
				}
				p.add(20, y, 10, false, d.Format("2006-01-02"))
				p.add(60, y, 10, false, pick(r, []string{"消费", "转账", "工资", "取现", "还款"}))
				p.add(150, y, 10, false, money(r, "¥"))
				y += 6
			}
		}
		p.add(20, y, 10, false, "期末余额："+money(r, "¥"))
		y += 6
	case Tax:
		p.add(20, y, 10, false, "兹证明该纳税人已依法缴纳个人所得税。")
		y += 6
	case Government:
		p.add(20, y, 10, false, "兹证明上述人员在本辖区居住。")
		y += 6
	case Phone:
		p.add(20, y, 10, false, fmt.Sprintf("手机号码：138%04d%04d", r.IntN(10000), r.IntN(10000)))
		y += 6
		p.add(20, y, 10, false, fmt.Sprintf("通话 %d 分钟  流量 %d.%d GB  套餐费 %s", r.IntN(400), r.IntN(40), r.IntN(10), money(r, "¥")))
		y += 6
	case Insurance:
		p.add(20, y, 10, false, fmt.Sprintf("保单号：PICC%08d", r.IntN(100000000)))
		y += 6
		p.add(20, y, 10, false, "保险费："+money(r, "¥"))
		y += 6
	}
	if (b.kind == Utility || b.kind == Phone) && (!b.issue.IsZero() || b.dueDate) {
		due := b.issue
		if due.IsZero() {
			due = time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		}
		due = due.AddDate(0, 0, 14+r.IntN(8))
		y += 4
		p.add(20, y, 11, true, "应缴金额："+money(r, "¥")+"  缴费截止日期："+fmtDate(b.style, due, true, b.country))
	}
	p.add(20, 280, 8, false, co.addr)
	return p
}
