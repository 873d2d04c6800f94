package sqlstore

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Timestamps are stored as BIGINT unix microseconds in UTC on both databases: they compare and
// sort as numbers, and need no driver-specific time handling. Go times lose their nanoseconds on
// the way in.

func micros(t time.Time) int64 { return t.UnixMicro() }

// nullMicros stores an optional time: NULL when t is nil.
func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// timeCol scans a BIGINT microsecond column into a time.Time. It implements sql.Scanner, which
// both database/sql and pgx honour.
type timeCol struct{ p *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = time.Time{}
	case int64:
		*c.p = fromMicros(v)
	default:
		return fmt.Errorf("sqlstore: timestamp column holds %T", src)
	}
	return nil
}

// nullTimeCol scans a nullable BIGINT microsecond column into a *time.Time.
type nullTimeCol struct{ p **time.Time }

func (c nullTimeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.p = nil
	case int64:
		t := fromMicros(v)
		*c.p = &t
	default:
		return fmt.Errorf("sqlstore: timestamp column holds %T", src)
	}
	return nil
}

// jsonCol scans a TEXT column holding JSON into any value. "null" and NULL leave the value
// untouched (nil for pointers, slices and maps).
type jsonCol struct {
	v         any
	useNumber bool
}

func (c jsonCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("sqlstore: JSON column holds %T", src)
	}
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if !c.useNumber {
		return json.Unmarshal(b, c.v)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(c.v)
}

func jsonOf(v any) jsonCol { return jsonCol{v: v} }

// jsonText encodes v for a TEXT column; nil values become "null".
func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode JSON column: %w", err)
	}
	return string(b), nil
}

// jsonTexts encodes several values, stopping at the first error.
func jsonTexts(vs ...any) ([]string, error) {
	out := make([]string, len(vs))
	for i, v := range vs {
		s, err := jsonText(v)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// encodeVector writes an embedding as base64 of little-endian float32, a text column that both
// databases store alike.
func encodeVector(v []float32) string {
	if len(v) == 0 {
		return ""
	}
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func decodeVector(s string) ([]float32, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b)%4 != 0 {
		return nil, fmt.Errorf("sqlstore: malformed vector")
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}
