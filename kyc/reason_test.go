package kyc

import (
	"strings"
	"testing"
	"unicode"
)

// Every code of PRODUCT.md's taxonomy with its default disposition.
var productTaxonomy = map[Code]Disposition{
	FileFormatUnsupported: Retry, FileTooLarge: Retry, FileCorrupted: Retry, FileDuplicateUpload: Retry,
	ImgBlurry: Retry, ImgGlare: Retry, ImgTooDark: Retry, ImgOverexposed: Retry, ImgShadow: Retry,
	ImgCutOff: Retry, ImgDocTooSmall: Retry, ImgDataCovered: Retry, ImgLowResolution: Retry, ImgBlackAndWhite: Retry,
	DocNotFoundInImage: Retry, DocSideMissing: Retry, DocSameSideTwice: Retry, DocMultipleInImage: Retry,
	DocFieldsUnreadable: Retry, DocExpired: Retry, DocTypeNotAccepted: Retry, DocCountryNotAccepted: Retry,
	DocTypeMismatchSelected: Retry, MRZInvalid: Retry, DocNumberInvalid: Review, AgeBelowMinimum: Final,
	DataMismatchName: Retry, DataMismatchDOB: Retry, DataMismatchNationality: Retry, DataInternalInconsistent: Review,
	SelfieNoFace: Retry, SelfieMultipleFaces: Retry, SelfieQuality: Retry, LivenessChallengeFailed: Retry,
	LivenessExpired: Retry, LivenessSpoofSuspected: Review, FaceMatchInconclusive: Retry, FaceMismatch: Review,
	POATooOld: Retry, POADateMissing: Retry, POANameMissing: Retry, POAAddressMissing: Retry, POANameMismatch: Retry,
	POAAddressMismatch: Retry, POATypeNotAccepted: Retry, POAEditSuspected: Review, DuplicateDocument: Review, DuplicateFace: Review,
	ResubmissionLimitReached: Final, CheckUnavailable: System, ManualRejection: Final,
}

func TestCatalogueCoversTaxonomy(t *testing.T) {
	t.Parallel()
	for code, want := range productTaxonomy {
		e, ok := Lookup(code)
		if !ok {
			t.Errorf("%s: not in catalogue", code)
			continue
		}
		if e.Default != want {
			t.Errorf("%s: default %s, want %s", code, e.Default, want)
		}
	}
}

func TestCatalogueMessages(t *testing.T) {
	t.Parallel()
	hasHan := func(s string) bool {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return true
			}
		}
		return false
	}
	for _, e := range Catalogue() {
		if e.Message == "" || e.Hint == "" || !strings.HasSuffix(e.Message, ".") {
			t.Errorf("%s: English message or hint missing", e.Code)
		}
		if !hasHan(e.MessageZH) || !hasHan(e.HintZH) {
			t.Errorf("%s: Chinese message or hint missing", e.Code)
		}
		if !e.Step.Valid() {
			t.Errorf("%s: invalid step %q", e.Code, e.Step)
		}
		if !e.Default.Valid() {
			t.Errorf("%s: invalid disposition %q", e.Code, e.Default)
		}
	}
}

func TestPolicy(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	if got := p.Disposition(MRZInvalid, 1); got != Retry {
		t.Errorf("MRZ_INVALID first attempt = %s, want RETRY", got)
	}
	if got := p.Disposition(MRZInvalid, 2); got != Review {
		t.Errorf("MRZ_INVALID second attempt = %s, want REVIEW", got)
	}
	q, err := p.WithOverrides("strict-1", map[Code]Rule{FaceMismatch: {Disposition: Final}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Disposition(FaceMismatch, 1) != Final || p.Disposition(FaceMismatch, 1) != Review {
		t.Errorf("override leaked or missing")
	}
	if _, err := p.WithOverrides("x", map[Code]Rule{"NOPE": {Disposition: Retry}}); err == nil {
		t.Errorf("unknown code accepted")
	}
	if _, err := p.WithOverrides("x", map[Code]Rule{ImgGlare: {Disposition: "MAYBE"}}); err == nil {
		t.Errorf("unknown disposition accepted")
	}
}

func TestExplainKeepsDetailForStaffOnly(t *testing.T) {
	t.Parallel()
	r := Explain(NewFinding(ImgGlare, SideFront, map[string]any{"glare_fraction": 0.07}), Retry)
	if r.Step != StepIdentity || r.Side != SideFront || r.Message == "" || r.Detail["glare_fraction"] != 0.07 {
		t.Fatalf("unexpected reason %+v", r)
	}
	if r.Public().Detail != nil {
		t.Fatal("public reason kept detail")
	}
}
