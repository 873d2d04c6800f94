package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kycd/kycd/kyc"
)

// jsonEncode writes v as JSON without escaping <, > and & (the API is not HTML).
func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJSON encodes v before writing anything, so an encoding failure still becomes a clean 500
// problem. A failed write means the client went away: there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	if err := jsonEncode(&buf, v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// isJSON reports whether a Content-Type names JSON (application/json or application/*+json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// readJSON decodes the request body into v: JSON only, at most limit bytes, one value, no unknown
// fields. Every failure names the field or the byte offset at fault.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if !isJSON(r.Header.Get("Content-Type")) {
		return &kyc.Error{Kind: kyc.KindUnsupported, Message: "send the body as application/json"}
	}
	return decodeJSON(http.MaxBytesReader(w, r.Body, limit), v)
}

// decodeJSON is readJSON's parser, separate so it can be fuzzed without a request.
func decodeJSON(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	// Exactly one value: trailing data is a client bug worth reporting.
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil:
		return malformed("", "the body must hold a single JSON value; more data follows at offset %d", dec.InputOffset()-int64(len(extra)))
	default:
		return jsonError(err)
	}
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return &kyc.Error{Kind: kyc.KindTooLarge, Message: fmt.Sprintf("the JSON body is larger than %d bytes", mbe.Limit), Err: err}
	case errors.Is(err, io.EOF):
		return malformed("", "the request body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "the JSON body ends too early")
	case errors.As(err, &syn):
		return malformed("", "malformed JSON at offset %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return malformed("", "the body must be a JSON %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return malformed(typ.Field, "%s must be a JSON %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return malformed(name, "unknown field %q", name)
	}
	// Errors from a field's own UnmarshalJSON (time.Time and the like) carry no offset.
	return malformed("", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	}
	return "value"
}

// multipartOverhead is what a multipart body may carry beyond its files: boundaries, part
// headers and the small text fields.
const multipartOverhead = 64 << 10

// fieldSpec says what one multipart field may be.
type fieldSpec struct {
	file     bool  // a file part (its bytes are kept as they are)
	max      int64 // the largest value accepted, in bytes
	multiple bool  // may appear more than once (files only)
	required bool
	tooLarge kyc.Code // reason code when the value is too large (FILE_TOO_LARGE for files)
}

// form is a parsed multipart body.
type form struct {
	values map[string]string
	files  map[string][][]byte
}

func (f *form) file(name string) []byte {
	if fs := f.files[name]; len(fs) > 0 {
		return fs[0]
	}
	return nil
}

// multipartReader checks the Content-Type and bounds the whole body: the sum of the largest
// values of every field, plus the overhead.
func multipartReader(w http.ResponseWriter, r *http.Request, spec map[string]fieldSpec, maxFiles int) (*multipart.Reader, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, &kyc.Error{Kind: kyc.KindUnsupported, Message: "send the body as multipart/form-data"}
	}
	var limit int64 = multipartOverhead
	for _, fs := range spec {
		n := int64(1)
		if fs.multiple {
			n = int64(max(1, maxFiles))
		}
		limit += n * fs.max
	}
	return multipart.NewReader(http.MaxBytesReader(w, r.Body, limit), params["boundary"]), nil
}

// readForm reads every part of a multipart body against spec. A value over its limit is detected
// while it streams in, after reading at most limit+1 bytes of it: a huge file is never buffered
// whole. Unknown, repeated and missing fields are named in the error.
func readForm(mr *multipart.Reader, spec map[string]fieldSpec, maxFiles int) (*form, error) {
	f := &form{values: map[string]string{}, files: map[string][][]byte{}}
	seen := map[string]int{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, multipartError(err, "")
		}
		name := part.FormName()
		fs, ok := spec[name]
		if !ok {
			part.Close()
			if name == "" {
				return nil, malformed("", "every multipart part needs a form-data name")
			}
			return nil, malformed(name, "unknown field %q", name)
		}
		seen[name]++
		if seen[name] > 1 && !fs.multiple {
			part.Close()
			return nil, malformed(name, "field %q appears more than once", name)
		}
		if fs.multiple && seen[name] > maxFiles {
			part.Close()
			return nil, &kyc.Error{Kind: kyc.KindInvalid, Field: name, Message: fmt.Sprintf("at most %d files", maxFiles)}
		}
		if fs.file && part.FileName() == "" {
			part.Close()
			return nil, malformed(name, "field %q must be a file part (with a filename)", name)
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(part, fs.max+1))
		part.Close()
		if err != nil {
			return nil, multipartError(err, fs.tooLarge)
		}
		if n > fs.max {
			return nil, tooLarge(name, fs)
		}
		if fs.file {
			f.files[name] = append(f.files[name], buf.Bytes())
			continue
		}
		if !utf8.Valid(buf.Bytes()) {
			return nil, malformed(name, "field %q must be UTF-8 text", name)
		}
		f.values[name] = buf.String()
	}
	for name, fs := range spec {
		if fs.required && seen[name] == 0 {
			return nil, malformed(name, "missing multipart field %q", name)
		}
	}
	return f, nil
}

func tooLarge(name string, fs fieldSpec) error {
	e := &kyc.Error{Kind: kyc.KindTooLarge, Field: name, Code: fs.tooLarge}
	if fs.tooLarge != "" {
		if entry, ok := kyc.Lookup(fs.tooLarge); ok {
			e.Message = entry.Message + " " + entry.Hint
		}
		e.Message += fmt.Sprintf(" The limit is %d bytes.", fs.max)
	} else {
		e.Message = fmt.Sprintf("field %q is larger than %d bytes", name, fs.max)
	}
	return e
}

// multipartError maps a read error: the body limit tripping is a too-large file (a request
// within the field limits is only ever too large because of its files), anything else is a
// malformed body.
func multipartError(err error, code kyc.Code) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		if code == "" {
			code = kyc.FileTooLarge
		}
		e := &kyc.Error{Kind: kyc.KindTooLarge, Field: "file", Code: code, Err: err}
		if entry, ok := kyc.Lookup(code); ok {
			e.Message = entry.Message + " " + entry.Hint + " "
		}
		e.Message += fmt.Sprintf("The request body may be at most %d bytes.", mbe.Limit)
		return e
	}
	return malformed("", "malformed multipart body: %v", err)
}
