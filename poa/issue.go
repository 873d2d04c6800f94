package poa

import (
	"regexp"
	"strings"
	"time"
)

// Choosing the issue date among the dates of a document. Each date is classified by the words
// before it (in its cell, or in the label cell to its left, or the label just above it):
//   - issue: "Statement date", "Bill date", "Date of issue", "Date:", "账单日期", "开具日期", ...
//   - period: the two ends of "Billing period 01/10/2026 – 31/10/2026", "计费周期 ... 至 ..."
//   - due: "Payment due by", "Pay by", "缴费截止日期", ... — never the issue date
//   - other: meter readings, payments received, dates of birth, cover start and end, validity
//   - plain: no label (a letter's date alone on its line, the rows of a statement)
//
// The issue date is the topmost issue-labelled date; else the end of the statement period; else
// a date alone on its line in the top third (a letter's date); else the latest plain date not
// in the future. Numeric dates whose day and month could be swapped follow the other numeric
// dates of the same document when one of them settles the order (27/10/2026), else the
// applicant's country.

type dateClass int

const (
	classPlain dateClass = iota
	classIssue
	classPeriodStart
	classPeriodEnd
	classDue
	classOther
)

func (c dateClass) String() string {
	return [...]string{"plain", "issue", "period_start", "period_end", "due", "other"}[c]
}

type dateHit struct {
	Date
	class      dateClass
	row        int
	standalone bool
	strength   int // of the issue label: 2 specific, 1 the bare word "date"
}

var (
	dueWords = []string{"due", "pay by", "payment by", "pay before", "payable by", "to be paid",
		"direct debit on", "will be collected", "截止", "到期", "最迟", "缴费期限", "最后缴费", "还款日"}
	otherWords = []string{"meter read", "reading", "received", "last payment", "previous", "birth",
		"valid", "expir", "until", "cover", "start date", "end date", "effective", "renewal", "since",
		"opened", "出生", "有效", "起保", "终保", "保险期间", "上次", "交易日期"}
	periodWords = []string{"period", "from", "covering", "周期", "期间", "区间", "账期"}
	issueWords  = []string{"statement date", "bill date", "date of bill", "billing date", "issue date",
		"date of issue", "issued on", "issued", "invoice date", "date of invoice", "letter date",
		"print date", "printed on", "date printed", "statement issued", "date of statement",
		"账单日期", "出账日期", "开票日期", "对账日期", "打印日期", "开具日期", "填发日期", "签发日期", "签单日期",
		"出具日期", "制表日期", "通知日期"}
	rePeriodSep = regexp.MustCompile(`^\s*(?:[-–—~～]|to|until|through|thru|至|到|-)\s*$`)
	reBareDate  = regexp.MustCompile(`date\s*:?\s*$|日期\s*:?\s*$`)
)

func hasAny(s string, ws []string) bool {
	for _, w := range ws {
		if strings.Contains(s, strings.ReplaceAll(w, " ", "")) {
			return true
		}
	}
	return false
}

// classifyContext classifies a date by the label text before it. Spaces are ignored, as OCR
// drops and adds them ("Billdate:").
func classifyContext(ctx string) (dateClass, int) {
	ctx = strings.ReplaceAll(ctx, " ", "")
	switch {
	case hasAny(ctx, dueWords):
		return classDue, 0
	case hasAny(ctx, issueWords):
		return classIssue, 2
	case hasAny(ctx, otherWords):
		return classOther, 0
	case hasAny(ctx, periodWords):
		return classPeriodEnd, 0 // refined by the caller
	case reBareDate.MatchString(ctx):
		return classIssue, 1
	}
	return classPlain, 0
}

// docDates finds and classifies the dates of the document.
func docDates(d *docText, country string) []dateHit {
	mdy := MonthFirst(country)
	// the document's own numeric order, when an unambiguous date shows it
	dmyVotes, mdyVotes := 0, 0
	for _, s := range d.segs {
		for _, m := range reNum.FindAllStringSubmatch(s.norm, -1) {
			a, b := atoi(m[1]), atoi(m[3])
			switch {
			case a > 12 && b <= 12:
				dmyVotes++
			case b > 12 && a <= 12:
				mdyVotes++
			}
		}
	}
	if dmyVotes > mdyVotes {
		mdy = false
	} else if mdyVotes > dmyVotes {
		mdy = true
	}
	var hits []dateHit
	for si, s := range d.segs {
		ds := parseNormalized(s.norm, mdy)
		for i, dt := range ds {
			h := dateHit{Date: dt, row: s.row}
			ctx := s.norm[:dt.Start]
			if i > 0 {
				ctx = s.norm[ds[i-1].End:dt.Start]
			}
			h.standalone = strings.TrimSpace(s.norm[:dt.Start]) == "" && strings.TrimSpace(strings.Trim(s.norm[dt.End:], ".,")) == ""
			if i == 0 && strings.TrimSpace(strings.TrimRight(ctx, " :")) == "" {
				ctx = labelBefore(d, si) + " " + ctx
			}
			tail := ctx
			if len(tail) > 60 {
				tail = tail[len(tail)-60:]
			}
			h.class, h.strength = classifyContext(tail)
			// a range: "A – B" in one cell
			if i > 0 && rePeriodSep.MatchString(s.norm[ds[i-1].End:dt.Start]) {
				prev := &hits[len(hits)-1]
				if prev.class == classPlain || prev.class == classPeriodEnd || prev.class == classPeriodStart || prev.class == classIssue && prev.strength == 1 {
					prev.class = classPeriodStart
					h.class = classPeriodEnd
				} else {
					h.class = prev.class // "cover 1 Nov 2026 to 31 Oct 2027": the range shares its label
				}
			}
			if h.class == classPeriodEnd && i == 0 && (len(ds) > 1 && rePeriodSep.MatchString(s.norm[dt.End:ds[1].Start])) {
				h.class = classPeriodStart
			}
			hits = append(hits, h)
		}
	}
	return hits
}

// labelBefore returns the label for a segment that starts with a date: the segment to its left
// on the same row, or the segment just above it when that ends with a colon.
func labelBefore(d *docText, si int) string {
	s := d.segs[si]
	if si > 0 && d.segs[si-1].row == s.row {
		return d.segs[si-1].norm
	}
	for j := si - 1; j >= 0 && d.segs[j].row >= s.row-1; j-- {
		p := d.segs[j]
		if p.row == s.row-1 && abs(p.x-s.x) < 0.08 && strings.HasSuffix(strings.TrimSpace(p.norm), ":") {
			return p.norm
		}
	}
	return ""
}

// issueDate picks the issue date; ok is false when there is none.
func issueDate(hits []dateHit, rows int, now time.Time) (dateHit, string, bool) {
	var best *dateHit
	for i := range hits {
		h := &hits[i]
		if h.class == classIssue && (best == nil || h.strength > best.strength) {
			best = h
		}
	}
	if best != nil {
		return *best, "label", true
	}
	for i := range hits {
		h := &hits[i]
		if h.class == classPeriodEnd && (best == nil || h.Time.After(best.Time)) {
			best = h
		}
	}
	if best != nil {
		return *best, "period_end", true
	}
	for i := range hits {
		h := &hits[i]
		if h.class == classPlain && h.standalone && h.row <= max(rows/3, 8) {
			return *h, "letter_date", true
		}
	}
	limit := now.AddDate(0, 0, 7)
	for i := range hits {
		h := &hits[i]
		if h.class == classPlain && !h.Time.After(limit) && (best == nil || h.Time.After(best.Time)) {
			best = h
		}
	}
	if best != nil {
		return *best, "latest_date", true
	}
	return dateHit{}, "", false
}
