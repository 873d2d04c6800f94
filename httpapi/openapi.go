package httpapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"gopkg.in/yaml.v3"
)

// openAPIYAML is the hand-written API description, the contract the tests hold the handlers to.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSON is the document converted once to JSON, the form tools fetch.
var openAPIJSON = mustJSON(openAPIYAML)

// OpenAPIYAML returns the OpenAPI 3.1 document as written, for tools that want the source.
func OpenAPIYAML() []byte { return append([]byte(nil), openAPIYAML...) }

func mustJSON(y []byte) []byte {
	var doc any
	if err := yaml.Unmarshal(y, &doc); err != nil {
		panic(fmt.Sprintf("httpapi: openapi.yaml: %v", err))
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("httpapi: openapi.yaml to JSON: %v", err))
	}
	return b
}

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ *principal) error {
	w.Header().Set("Content-Type", "application/json")
	// The document holds no personal data: let clients cache it briefly.
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIJSON)
	return nil
}
