package poa

import (
	"strings"
)

// Document types, as Level.POATypes names them.
const (
	TypeUtilityBill      = "utility_bill"
	TypeBankStatement    = "bank_statement"
	TypeTaxLetter        = "tax_letter"
	TypeGovernmentLetter = "government_letter"
	TypeInsurance        = "insurance"
	TypePhoneBill        = "phone_bill"
	TypeOther            = "other"
)

// DefaultTypes are the types accepted when neither the level nor the configuration lists any.
var DefaultTypes = []string{TypeUtilityBill, TypeBankStatement, TypeGovernmentLetter, TypeTaxLetter}

// typeWords are the keywords of each type, English and Chinese, lower case, with a weight.
// Telecom bills are their own type: many operators do not accept them as proof of address.
var typeWords = map[string]map[string]float64{
	TypeUtilityBill: {"electricity": 3, "electric": 2, "kwh": 3, "gas": 1.5, "water": 1.5,
		"energy": 2, "meter": 2, "utilities": 3, "utility": 3, "sewerage": 3, "standing charge": 3,
		"电费": 4, "水费": 4, "燃气": 4, "供电": 3, "用电": 3, "用水": 3, "自来水": 3, "千瓦时": 3, "电力": 2, "燃气费": 2},
	TypePhoneBill: {"mobile": 3, "phone": 3, "telephone": 3, "broadband": 3, "texts": 2, "calls": 2,
		"data": 1, "gb": 1, "sim": 2, "roaming": 3, "minutes": 1, "min": 1,
		"话费": 4, "通信": 3, "手机号码": 3, "流量": 3, "宽带": 3, "固话": 3, "套餐": 2, "通话": 3, "移动": 1},
	TypeBankStatement: {"bank": 2, "statement of account": 4, "account statement": 4, "balance": 1.5,
		"closing balance": 2, "opening balance": 2, "iban": 3, "sort code": 3, "transactions": 1.5,
		"withdrawal": 1.5, "direct debit": 1, "savings": 1,
		"银行": 3, "对账单": 4, "余额": 2, "交易": 2, "储蓄": 2, "摘要": 1},
	TypeTaxLetter: {"tax": 2, "revenue": 3, "tax code": 3, "tax year": 3, "council tax": 4, "taxation": 3,
		"assessment": 1.5, "irs": 3, "hmrc": 4,
		"税务": 4, "纳税": 4, "个人所得税": 4, "税务局": 3},
	TypeGovernmentLetter: {"council": 2, "ministry": 3, "department": 2, "government": 3,
		"electoral": 4, "benefit": 2, "pensions": 2, "registration": 1, "residence": 1.5, "civic": 2,
		"人民政府": 4, "街道办事处": 4, "办事处": 3, "居住证明": 4, "社会保险": 3, "参保": 3, "公安": 3, "居委会": 4},
	TypeInsurance: {"insurance": 4, "policy": 2, "premium": 3, "insured": 2, "cover": 1, "policyholder": 3, "renewal": 1,
		"保险": 4, "保单": 4, "保费": 3, "保险费": 3, "投保人": 3, "被保险人": 3},
}

// classify scores the document against each type's keywords; words in the first rows (the
// letterhead and title) count three times. It returns the type and the scores.
func classify(d *docText) (string, map[string]float64) {
	scores := map[string]float64{}
	head := min(d.rows, max(4, d.rows/5))
	for _, s := range d.segs {
		t := s.norm
		w := 1.0
		if s.row < head {
			w = 3
		}
		for typ, words := range typeWords {
			for k, v := range words {
				if containsWord(t, k) {
					scores[typ] += v * w
				}
			}
		}
	}
	best, bs := TypeOther, 0.0
	for _, typ := range []string{TypeUtilityBill, TypeBankStatement, TypeTaxLetter, TypeGovernmentLetter, TypeInsurance, TypePhoneBill} {
		if scores[typ] > bs {
			best, bs = typ, scores[typ]
		}
	}
	if bs < 3 {
		best = TypeOther
	}
	return best, scores
}

// containsWord reports whether k occurs in t; a Latin keyword only as whole words.
func containsWord(t, k string) bool {
	for off := 0; ; {
		i := strings.Index(t[off:], k)
		if i < 0 {
			return false
		}
		i += off
		if k[0] >= 0x80 {
			return true
		}
		before := i == 0 || !isASCIILetter(t[i-1])
		after := i+len(k) >= len(t) || !isASCIILetter(t[i+len(k)]) || !isASCIILetter(k[len(k)-1])
		if before && after {
			return true
		}
		off = i + 1
	}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
