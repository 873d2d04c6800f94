package httpapi

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/kycd/kycd/kyc"
)

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

// loadSpec loads and validates openapi.yaml once. For response validation the schemas are made
// strict: an object schema that lists its properties admits no others, so a field the handlers
// send but the document does not describe fails the tests. The served document stays open, so
// clients tolerate fields added later.
func loadSpec(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		specDoc, specErr = loader.LoadFromData(openAPIYAML)
		if specErr != nil {
			return
		}
		if specErr = specDoc.Validate(context.Background()); specErr != nil {
			return
		}
		seen := map[*openapi3.Schema]bool{}
		for _, ref := range specDoc.Components.Schemas {
			strict(ref, seen)
		}
		for _, pi := range specDoc.Paths.Map() {
			for _, op := range pi.Operations() {
				for _, rr := range op.Responses.Map() {
					if rr.Value == nil {
						continue
					}
					for _, mt := range rr.Value.Content {
						strict(mt.Schema, seen)
					}
				}
			}
		}
		for _, ct := range []string{"image/jpeg", "image/png", "application/pdf"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
		// The router matches on paths only.
		specDoc.Servers = nil
		specRouter, specErr = gorillamux.NewRouter(specDoc)
	})
	if specErr != nil {
		t.Fatalf("openapi.yaml: %v", specErr)
	}
	return specDoc, specRouter
}

func strict(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
		no := false
		s.AdditionalProperties.Has = &no
	}
	for _, p := range s.Properties {
		strict(p, seen)
	}
	strict(s.Items, seen)
	strict(s.AdditionalProperties.Schema, seen)
	for _, sub := range slices.Concat(s.OneOf, s.AnyOf) {
		strict(sub, seen)
	}
}

func TestOpenAPIDocumentValid(t *testing.T) {
	t.Parallel()
	doc, _ := loadSpec(t)
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi version %q, want 3.1", doc.OpenAPI)
	}
	for _, name := range []string{"apiKey", "applicantToken", "staffSession"} {
		if doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("security scheme %s missing", name)
		}
	}
	for _, ev := range []string{kyc.EventApplicantCreated, kyc.EventStatusChanged, kyc.EventDecision, kyc.EventReviewDecided, kyc.EventCaseOverdue} {
		if doc.Webhooks[ev] == nil || doc.Webhooks[ev].Post == nil {
			t.Errorf("webhook %s not described", ev)
		}
	}
	if doc.Components.Schemas["Problem"] == nil || doc.Components.Schemas["WebhookEvent"] == nil {
		t.Error("Problem and WebhookEvent schemas are required")
	}
}

// TestOpenAPICoversRoutes: every registered route is in the document, and every operation of the
// document is a registered route.
func TestOpenAPICoversRoutes(t *testing.T) {
	t.Parallel()
	doc, _ := loadSpec(t)
	api := setup(t).api
	registered := map[string]bool{}
	for _, p := range api.routes {
		registered[p] = true
		method, path, _ := strings.Cut(p, " ")
		pi := doc.Paths.Value(path)
		if pi == nil || pi.GetOperation(method) == nil {
			t.Errorf("route %q is not in openapi.yaml", p)
		}
	}
	var documented []string
	for path, pi := range doc.Paths.Map() {
		for method := range pi.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	sort.Strings(documented)
	for _, d := range documented {
		if !registered[d] {
			t.Errorf("openapi.yaml documents %q, which is not a route", d)
		}
	}
}

func TestOpenAPIReasonCodesMatchCatalogue(t *testing.T) {
	t.Parallel()
	doc, _ := loadSpec(t)
	var inDoc []string
	for _, v := range doc.Components.Schemas["ReasonCode"].Value.Enum {
		inDoc = append(inDoc, v.(string))
	}
	var inCat []string
	for _, e := range kyc.Catalogue() {
		inCat = append(inCat, string(e.Code))
	}
	sort.Strings(inDoc)
	if !slices.Equal(inDoc, inCat) {
		t.Errorf("ReasonCode enum differs from the catalogue:\n doc %v\n cat %v", inDoc, inCat)
	}
}

func TestOpenAPIServedAsJSON(t *testing.T) {
	t.Parallel()
	e := setup(t)
	res := e.do(t, "GET", "/openapi.json", "", nil, "")
	wantStatus(t, res, http.StatusOK)
	doc, err := openapi3.NewLoader().LoadFromData(res.body)
	if err != nil {
		t.Fatalf("served document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("served document invalid: %v", err)
	}
}

// validateResponse checks a response against the document: status, headers and body schema.
func validateResponse(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	_, router := loadSpec(t)
	route, params, err := router.FindRoute(req)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		// Not an API route (TestOpenAPICoversRoutes keeps the two lists equal): the answer is
		// checked by the test itself.
		return
	}
	if err != nil {
		t.Errorf("%s %s: no route in openapi.yaml: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %.600s", req.Method, req.URL.Path, status, err, body)
	}
}

// validateRequest checks a JSON request against the document (credentials are not checked).
func validateRequest(t testing.TB, method, url string, body []byte) {
	t.Helper()
	_, router := loadSpec(t)
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: no route in openapi.yaml: %v", method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("%s %s: an accepted request does not match openapi.yaml: %v\nbody: %.600s", method, req.URL.Path, err, body)
	}
}
