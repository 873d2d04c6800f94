// Command eval-poa evaluates the proof-of-address engine on synthetic documents from
// poa/poagen: per reason code precision, recall and F1, issue-date accuracy, document-type
// accuracy and milliseconds per document, by format. It runs the same check pipeline as the
// service (file checks, then the engine).
//
//	go run ./cmd/eval-poa -n 360
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kycd/kycd/check"
	"github.com/kycd/kycd/imagecheck"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/poa"
	"github.com/kycd/kycd/poa/poagen"
)

func main() {
	n := flag.Int("n", 180, "number of documents")
	seed := flag.Uint64("seed", 1, "corpus seed")
	nowS := flag.String("now", "2026-11-20", "the date documents are judged at")
	formats := flag.String("formats", "", "comma-separated formats to keep (pdf_text,pdf_scan,photo,png); empty keeps all")
	out := flag.String("out", "", "folder to write the generated files to")
	verbose := flag.Bool("v", false, "print every error with the engine's findings")
	dpi := flag.Int("dpi", 0, "resolution scanned PDF pages are rasterised at (0: the engine's default)")
	showText := flag.Bool("text", false, "with -v, also print the text read from each document in error")
	flag.Parse()
	now, err := time.Parse("2006-01-02", *nowS)
	if err != nil {
		fmt.Fprintln(os.Stderr, "eval-poa: -now:", err)
		os.Exit(2)
	}
	eng := poa.New(poa.Config{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)), KeepText: *showText, DPI: *dpi})
	if err := eng.Load(); err != nil {
		fmt.Fprintln(os.Stderr, "eval-poa: OCR models:", err)
		os.Exit(1)
	}
	pipe := check.New(check.Options{Image: imagecheck.Limits{}}, eng)
	level := &kyc.Level{Name: "advanced", POAMaxAgeDays: 90, POATypes: poa.DefaultTypes}
	keep := map[string]bool{}
	for _, f := range strings.Split(*formats, ",") {
		if f != "" {
			keep[f] = true
		}
	}
	codes := []kyc.Code{kyc.POATooOld, kyc.POADateMissing, kyc.POANameMissing, kyc.POANameMismatch,
		kyc.POAAddressMissing, kyc.POAAddressMismatch, kyc.POATypeNotAccepted, kyc.POAEditSuspected}
	tp, fp, fn := map[kyc.Code]int{}, map[kyc.Code]int{}, map[kyc.Code]int{}
	type agg struct {
		docs, dated, dateOK, clean, cleanOK, typeOK int
		ms                                          []float64
	}
	byFormat := map[string]*agg{}
	total := &agg{}
	for _, spec := range poagen.Corpus(*n, *seed, now) {
		if len(keep) > 0 && !keep[string(spec.Format)] {
			continue
		}
		s, err := poagen.Render(spec)
		if err != nil {
			fmt.Fprintln(os.Stderr, "eval-poa:", err)
			os.Exit(1)
		}
		if *out != "" {
			os.MkdirAll(*out, 0o755)
			os.WriteFile(filepath.Join(*out, s.Name()), s.Data, 0o644)
			// The applicant's profile beside it, for `kycd check --poa FILE --profile FILE.json`.
			if b, err := json.Marshal(s.Profile); err == nil {
				os.WriteFile(filepath.Join(*out, s.Name()+".profile.json"), b, 0o644)
			}
		}
		prof := s.Profile
		in := &kyc.CheckInput{Level: level, Profile: &prof, Now: now,
			POA: &kyc.Upload{Step: kyc.StepProofOfAddress, Side: kyc.SidePOA, Data: s.Data}}
		start := time.Now()
		res, err := pipe.Check(context.Background(), in)
		el := float64(time.Since(start).Microseconds()) / 1000
		if err != nil {
			fmt.Fprintln(os.Stderr, "eval-poa:", s.Name(), err)
			os.Exit(1)
		}
		got := map[kyc.Code]bool{}
		for _, f := range res.Findings {
			got[f.Code] = true
		}
		for _, c := range codes {
			switch {
			case got[c] && s.Expect == c:
				tp[c]++
			case got[c]:
				fp[c]++
			case s.Expect == c:
				fn[c]++
			}
		}
		a := byFormat[string(spec.Format)]
		if a == nil {
			a = &agg{}
			byFormat[string(spec.Format)] = a
		}
		issue, dtype := "", ""
		if res.POA != nil {
			issue, dtype = res.POA.IssueDate, res.POA.DocType
		}
		wrong := false
		for _, x := range []*agg{a, total} {
			x.docs++
			x.ms = append(x.ms, el)
			if s.IssueDate != "" {
				x.dated++
				if issue == s.IssueDate {
					x.dateOK++
				}
			}
			if string(s.DocType) == dtype {
				x.typeOK++
			}
			if s.Expect == "" {
				x.clean++
				if len(res.Findings) == 0 {
					x.cleanOK++
				}
			}
		}
		exp := map[kyc.Code]bool{}
		if s.Expect != "" {
			exp[s.Expect] = true
		}
		for _, c := range append(codes, kyc.FileCorrupted) {
			if got[c] != exp[c] {
				wrong = true
			}
		}
		if s.IssueDate != issue {
			wrong = true
		}
		if wrong && *verbose {
			var fs []string
			for _, f := range res.Findings {
				fs = append(fs, fmt.Sprintf("%s%v", f.Code, f.Detail))
			}
			if *showText {
				a, _ := eng.Analyse(context.Background(), s.Data, nil, &prof, level, now)
				if a != nil {
					fmt.Println("  | " + strings.Join(a.Text, "\n  | "))
				}
			}
			fmt.Printf("MISS %s expect=%q date=%s got_date=%s type=%s/%s findings=%s\n", s.Name(), s.Expect,
				s.IssueDate, issue, s.DocType, dtype, strings.Join(fs, " "))
		}
	}
	fmt.Printf("\n%-22s %5s %5s %5s %9s %7s %6s\n", "reason", "TP", "FP", "FN", "precision", "recall", "F1")
	for _, c := range codes {
		p, r := ratio(tp[c], tp[c]+fp[c]), ratio(tp[c], tp[c]+fn[c])
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		fmt.Printf("%-22s %5d %5d %5d %9.3f %7.3f %6.3f\n", c, tp[c], fp[c], fn[c], p, r, f1)
	}
	fmt.Printf("\n%-9s %5s %12s %10s %10s %8s %8s %8s\n", "format", "docs", "date_exact", "type_acc", "clean_ok", "ms_p50", "ms_p90", "ms_mean")
	names := make([]string, 0, len(byFormat))
	for k := range byFormat {
		names = append(names, k)
	}
	sort.Strings(names)
	row := func(name string, a *agg) {
		slices.Sort(a.ms)
		mean := 0.0
		for _, v := range a.ms {
			mean += v
		}
		mean /= float64(max(len(a.ms), 1))
		fmt.Printf("%-9s %5d %6d/%-5d %10.3f %4d/%-5d %8.0f %8.0f %8.0f\n", name, a.docs, a.dateOK, a.dated,
			ratio(a.typeOK, a.docs), a.cleanOK, a.clean, pct(a.ms, 0.5), pct(a.ms, 0.9), mean)
	}
	for _, k := range names {
		row(k, byFormat[k])
	}
	row("all", total)
	fmt.Printf("\nissue date exact: %.1f %% of %d dated documents\n", 100*ratio(total.dateOK, total.dated), total.dated)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pct(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return xs[min(len(xs)-1, int(q*float64(len(xs))))]
}
