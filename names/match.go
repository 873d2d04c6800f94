package names

import (
	"math"
	"strings"
)

// jaroWinkler is the Jaro-Winkler similarity of two ASCII strings (prefix scale 0.1, at most
// four prefix characters).
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	var ma, mb [64]bool
	if la > 64 || lb > 64 {
		return jaroWinklerLong(a, b)
	}
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb-1, i+window)
		for j := lo; j <= hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(t)/2)/fm) / 3
	prefix := 0
	for prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// jaroWinklerLong handles strings longer than the fixed buffers by truncating them: names are
// never that long, so this only keeps hostile input cheap.
func jaroWinklerLong(a, b string) float64 {
	return jaroWinkler(a[:min(len(a), 64)], b[:min(len(b), 64)])
}

// tokenSim compares two tokens. Besides the spelling itself it accepts the usual transliteration
// variants through key (umlauts, KS/X, Y/I ...) and, for long enough tokens with the same first
// letter, an equal consonant outline (MOHAMED, MUHAMMAD). abjad compares outlines only. A token
// made by merging words (joined with '|') is compared part by part with the best split of the
// other token, so that SAN|FENG equals SANFENG but XIAO|MEI does not pass for XIAOMING.
func tokenSim(a, b string, abjad bool) float64 {
	ma, mb := strings.IndexByte(a, '|') >= 0, strings.IndexByte(b, '|') >= 0
	if ma && mb {
		// both merged: part by part where the parts line up, else as written together
		pa, pb := strings.Split(a, "|"), strings.Split(b, "|")
		if len(pa) == len(pb) {
			s := 1.0
			for i := range pa {
				s = min(s, wordSim(pa[i], pb[i], abjad))
			}
			return s
		}
	}
	if ma {
		return splitSim(strings.Split(a, "|"), strings.ReplaceAll(b, "|", ""), abjad)
	}
	if mb {
		return splitSim(strings.Split(b, "|"), a, abjad)
	}
	return wordSim(a, b, abjad)
}

// splitSim is the best, over the ways of cutting whole into len(parts) pieces, of the worst
// similarity of a part and its piece.
func splitSim(parts []string, whole string, abjad bool) float64 {
	if abjad {
		for i := range parts {
			parts[i] = skeleton(parts[i])
		}
		whole = skeleton(whole)
	}
	if len(parts) == 1 {
		return wordSim(parts[0], whole, abjad)
	}
	if len(whole) < len(parts) {
		return 0
	}
	best := 0.0
	for cut := 1; cut <= len(whole)-len(parts)+1; cut++ {
		first := wordSim(parts[0], whole[:cut], abjad)
		if first <= best {
			continue
		}
		rest := splitSim(parts[1:], whole[cut:], abjad)
		best = max(best, min(first, rest))
	}
	return best
}

// wordSim compares two single words.
func wordSim(a, b string, abjad bool) float64 {
	if abjad {
		sa, sb := skeleton(a), skeleton(b)
		switch {
		case sa == "" || sb == "":
			return 0
		case sa == sb && len(sa) == 1:
			return 0.9
		case sa == sb:
			return 0.95
		}
		return jaroWinkler(sa, sb) * 0.95
	}
	if a == b {
		return 1
	}
	s := jaroWinkler(a, b)
	if k := jaroWinkler(key(a), key(b)) * 0.97; k > s {
		s = k
	}
	if s < 0.9 && len(a) >= 4 && len(b) >= 4 && a[0] == b[0] {
		if sa := skeleton(a); len(sa) >= 3 && sa == skeleton(b) {
			s = 0.9
		}
	}
	// Jaro-Winkler rewards a shared prefix even when one word is much longer: LI is not LIU,
	// JOHN is not JOHNSON, SAN is not SANFENG.
	if short, long := min(len(a), len(b)), max(len(a), len(b)); float64(short) < 0.75*float64(long) {
		s = min(s, 0.8)
	}
	return s
}

// strict turns a token similarity into a token score: above 0.88 it is kept, below it falls
// quickly to 0 at 0.5, so that two different names with a common surname (JOHN/JANE SMITH) do
// not average into a match.
func strict(s float64) float64 {
	if s >= 0.88 {
		return s
	}
	return s * math.Max(0, (s-0.5)/0.38)
}

// setScore compares two token lists regardless of order: tokens are paired greedily by score,
// the score is the length-weighted mean of the pairs, reduced for tokens of the longer list left
// unpaired (middle names present on one side cost a little, a mostly different name a lot), and
// capped just above the worst pair, since every word two names share must agree (ZHANG WEI is
// not ZHANG WEN however long the surname). extraFree waives the reduction for tokens of the
// first list when the second (a truncated document name) is shorter: the missing words may have
// been cut, and its last word may be a prefix.
func setScore(a, b []string, abjad, extraFree bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	type cell struct {
		i, j int
		s    float64
	}
	cells := make([]cell, 0, len(a)*len(b))
	for i := range a {
		for j := range b {
			sim := tokenSim(a[i], b[j], abjad)
			if extraFree && j == len(b)-1 && len(b[j]) >= 2 && strings.HasPrefix(a[i], b[j]) {
				sim = max(sim, 0.95) // the last word of a full document name field may be cut
			}
			cells = append(cells, cell{i, j, strict(sim)})
		}
	}
	usedA, usedB := make([]bool, len(a)), make([]bool, len(b))
	sum, weight, worst := 0.0, 0.0, 1.0
	pairs := 0
	for pairs < min(len(a), len(b)) {
		best := -1
		for k, c := range cells {
			if usedA[c.i] || usedB[c.j] {
				continue
			}
			if best < 0 || c.s > cells[best].s {
				best = k
			}
		}
		if best < 0 {
			break
		}
		c := cells[best]
		usedA[c.i], usedB[c.j] = true, true
		w := math.Max(2, float64(letters(a[c.i])+letters(b[c.j]))/2)
		sum += w * c.s
		weight += w
		worst = math.Min(worst, c.s)
		pairs++
	}
	if weight == 0 {
		return 0
	}
	score := math.Min(sum/weight, worst+worstMargin)
	extra := len(a) + len(b) - 2*pairs
	if extraFree && len(a) > len(b) {
		extra = 0
	}
	score *= 1 - 0.03*float64(min(extra, 2)) - 0.08*float64(max(extra-2, 0))
	return math.Max(0, score)
}

// worstMargin is how far the name score may exceed its worst word pair.
const worstMargin = 0.1

// maxMergeTokens bounds the token lists whose merges are tried.
const maxMergeTokens = 8

// merges returns the token list as is, with each pair of neighbours written as one word, and,
// for up to three words, entirely written as one word: "SAN FENG" and "SANFENG", "AL RASHID"
// and "ALRASHID" are the same name. Merged words are joined with '|' so that tokenSim can compare
// them part by part.
func merges(t []string) [][]string {
	out := [][]string{t}
	if len(t) < 2 || len(t) > maxMergeTokens {
		return out
	}
	for i := 0; i+1 < len(t); i++ {
		m := make([]string, 0, len(t)-1)
		m = append(m, t[:i]...)
		m = append(m, t[i]+"|"+t[i+1])
		m = append(m, t[i+2:]...)
		out = append(out, m)
	}
	if len(t) == 3 {
		out = append(out, []string{strings.Join(t, "|")})
	}
	return out
}

// readingScore compares two readings with every merge of either side.
func readingScore(p, d reading, docTruncated bool) float64 {
	abjad := p.abjad || d.abjad
	best := 0.0
	for _, a := range merges(p.tokens) {
		for _, b := range merges(d.tokens) {
			if s := setScore(a, b, abjad, docTruncated); s > best {
				best = s
				if best == 1 {
					return 1
				}
			}
		}
	}
	return best
}

// letters is the length of a token without merge marks.
func letters(t string) int { return len(t) - strings.Count(t, "|") }
