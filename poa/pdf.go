package poa

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// PDFs are read with poppler-utils (Debian package poppler-utils, installed by scripts/setup.sh):
// pdfinfo for the page count and the producing software, pdftotext -layout for the text layer,
// pdftoppm for pages without one. They are run directly (never through a shell) on a private
// temporary copy of the upload named by kycd, with a timeout each and their output bounded; the
// copy is removed when the check ends. Poppler is a mature parser of hostile PDFs (it is what
// desktop viewers use), which a pure-Go parser of comparable coverage is not, and keeping it in
// a child process means a crash in it cannot take the service down.

// errUnreadable means poppler could not parse the PDF: the file is malformed.
var errUnreadable = errors.New("poa: the PDF could not be read")

// ErrPoppler wraps failures to run the poppler tools at all (missing, killed by the timeout):
// the check could not run and is retried.
var ErrPoppler = errors.New("poa: poppler-utils unavailable")

type poppler struct {
	pdfinfo, pdftotext, pdftoppm string
	timeout                      time.Duration
}

// pdfMeta is what pdfinfo reports.
type pdfMeta struct {
	Pages             int
	Producer, Creator string
	Encrypted         bool
}

// boundedBuffer keeps at most max bytes and drops the rest.
type boundedBuffer struct {
	bytes.Buffer
	max int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// run runs tool with args and returns its standard output (at most 8 MiB).
func (p poppler) run(ctx context.Context, tool string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	out := &boundedBuffer{max: 8 << 20}
	errOut := &boundedBuffer{max: 4 << 10}
	cmd.Stdout, cmd.Stderr = out, errOut
	cmd.Env = []string{"LC_ALL=C.UTF-8"}
	err := cmd.Run()
	if err == nil {
		return out.Bytes(), nil
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: %s timed out after %s", errUnreadable, filepath.Base(tool), p.timeout)
		}
		return nil, ctx.Err()
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil, fmt.Errorf("%w (%s exit status %d)", errUnreadable, filepath.Base(tool), ee.ExitCode())
	}
	return nil, fmt.Errorf("%w: %s: %v", ErrPoppler, filepath.Base(tool), err)
}

// info runs pdfinfo.
func (p poppler) info(ctx context.Context, file string) (pdfMeta, error) {
	out, err := p.run(ctx, p.pdfinfo, "-enc", "UTF-8", file)
	if err != nil {
		return pdfMeta{}, err
	}
	var m pdfMeta
	for _, l := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Pages":
			m.Pages, _ = strconv.Atoi(v)
		case "Producer":
			m.Producer = v
		case "Creator":
			m.Creator = v
		case "Encrypted":
			m.Encrypted = strings.HasPrefix(v, "yes")
		}
	}
	return m, nil
}

// text returns the text layer of pages 1..n, one string per page.
func (p poppler) text(ctx context.Context, file string, n int) ([]string, error) {
	out, err := p.run(ctx, p.pdftotext, "-layout", "-enc", "UTF-8", "-f", "1", "-l", strconv.Itoa(n), file, "-")
	if err != nil {
		return nil, err
	}
	pages := strings.Split(string(out), "\f")
	if len(pages) > n {
		pages = pages[:n]
	}
	return pages, nil
}

// render rasterises one page in grey, its long side scaled to longSide pixels, into dir. The
// page is written as PGM: poppler's PNG writer compresses so hard that it costs ten times the
// rendering itself.
func (p poppler) render(ctx context.Context, file, dir string, page, longSide int) (image.Image, error) {
	prefix := filepath.Join(dir, "page"+strconv.Itoa(page))
	_, err := p.run(ctx, p.pdftoppm, "-gray", "-scale-to", strconv.Itoa(longSide),
		"-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-singlefile", file, prefix)
	if err != nil {
		return nil, err
	}
	defer os.Remove(prefix + ".pgm")
	data, err := os.ReadFile(prefix + ".pgm")
	if err != nil {
		return nil, fmt.Errorf("%w: pdftoppm wrote no page image", errUnreadable)
	}
	img, err := decodePGM(data)
	if err != nil {
		return nil, fmt.Errorf("%w: page image: %v", errUnreadable, err)
	}
	return img, nil
}

// decodePGM decodes a binary PGM (P5, 8 bits), as pdftoppm -gray writes it.
func decodePGM(data []byte) (*image.Gray, error) {
	var fields [4]string
	rest := data
	for i := 0; i < 4; i++ {
		for len(rest) > 0 {
			if rest[0] == '#' {
				j := bytes.IndexByte(rest, '\n')
				if j < 0 {
					return nil, errors.New("truncated PGM header")
				}
				rest = rest[j+1:]
				continue
			}
			if rest[0] == ' ' || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '\t' {
				rest = rest[1:]
				continue
			}
			break
		}
		j := 0
		for j < len(rest) && rest[j] > ' ' {
			j++
		}
		fields[i], rest = string(rest[:j]), rest[j:]
	}
	if fields[0] != "P5" || len(rest) < 1 {
		return nil, errors.New("not a binary PGM")
	}
	rest = rest[1:] // the single whitespace after maxval
	w, err1 := strconv.Atoi(fields[1])
	h, err2 := strconv.Atoi(fields[2])
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 || w > 20000 || h > 20000 || fields[3] != "255" {
		return nil, errors.New("unsupported PGM size or depth")
	}
	if len(rest) < w*h {
		return nil, errors.New("truncated PGM")
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, rest[:w*h])
	return img, nil
}
