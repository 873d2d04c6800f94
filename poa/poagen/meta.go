package poagen

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// pinyinOf is the Latin reading of a Chinese name part, capitalised ("秀英" → "Xiuying").
func pinyinOf(han string) string {
	syl := pinyin.LazyConvert(han, nil)
	s := strings.Join(syl, "")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// withJPEGComment inserts a COM segment after the SOI marker, as image editors do ("Created with
// GIMP").
func withJPEGComment(jpg []byte, comment string) []byte {
	if len(jpg) < 2 {
		return jpg
	}
	seg := []byte{0xFF, 0xFE, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(comment)+2))
	seg = append(seg, comment...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// withPNGText inserts a tEXt chunk after the IHDR chunk.
func withPNGText(p []byte, key, value string) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(p) < ihdrEnd {
		return p
	}
	data := append([]byte(key), 0)
	data = append(data, value...)
	var chunk bytes.Buffer
	binary.Write(&chunk, binary.BigEndian, uint32(len(data)))
	body := append([]byte("tEXt"), data...)
	chunk.Write(body)
	binary.Write(&chunk, binary.BigEndian, crc32.ChecksumIEEE(body))
	out := append([]byte{}, p[:ihdrEnd]...)
	out = append(out, chunk.Bytes()...)
	return append(out, p[ihdrEnd:]...)
}
