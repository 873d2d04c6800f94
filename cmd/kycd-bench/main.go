// Command kycd-bench measures kycd over HTTP on this machine: applicant reads per second with
// p50/p99 latency, and submit → decision latency at a steady submission rate. It starts kycd
// in-process (SQLite, a temporary data directory) unless -url points at a running server.
//
//	go run ./cmd/kycd-bench [-readers 16] [-read-for 10s] [-rate 5] [-submit-for 20s]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kycd/kycd/cli"
	"github.com/kycd/kycd/synth"
)

func main() {
	readers := flag.Int("readers", 16, "concurrent readers")
	readFor := flag.Duration("read-for", 10*time.Second, "duration of the read phase")
	seed := flag.Int("applicants", 200, "applicants created for the read phase")
	rate := flag.Float64("rate", 1, "submissions per second in the submit phase")
	engines := flag.String("engines", "quality,reading,face", "check engines the server runs (checks.engines)")
	submitFor := flag.Duration("submit-for", 20*time.Second, "duration of the submit phase")
	flag.Parse()

	dir, err := os.MkdirTemp("", "kycd-bench-")
	check(err)
	defer os.RemoveAll(dir)
	env := func(k string) string {
		switch k {
		case "KYCD_DATA_DIR":
			return dir
		case "KYCD_ADDR":
			return "127.0.0.1:0"
		case "KYCD_LOG_LEVEL":
			return "warn"
		case "KYCD_CHECK_ENGINES":
			return *engines
		}
		return os.Getenv(k)
	}
	var keyOut bytes.Buffer
	if code := cli.Main(context.Background(), cli.Env{Args: []string{"apikey", "create", "--name", "bench"}, Stdout: &keyOut, Stderr: io.Discard, Getenv: env}); code != 0 {
		fail("apikey create failed")
	}
	key := strings.TrimSpace(keyOut.String())
	base := startServer(env)

	c := &client{base: base, key: key, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	fmt.Printf("kycd-bench: %d CPUs, GOMAXPROCS %d, SQLite in %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), dir)

	// Read phase.
	ids := make([]string, *seed)
	for i := range ids {
		ids[i] = c.createApplicant(fmt.Sprintf("bench-read-%d", i))
	}
	lat, n := readPhase(c, ids, *readers, *readFor)
	fmt.Printf("reads: %d requests in %s with %d readers = %.0f reads/s; latency p50 %s p99 %s max %s\n",
		n, *readFor, *readers, float64(n)/readFor.Seconds(), pct(lat, 50), pct(lat, 99), pct(lat, 100))

	// Submit phase: applicants are prepared first (uploads), then submitted at a steady rate.
	total := int(*rate * submitFor.Seconds())
	prepared := make([]string, total)
	for i := range prepared {
		prepared[i] = c.prepare(fmt.Sprintf("bench-submit-%d", i), i)
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / *rate))
	for _, id := range prepared {
		<-tick.C
		c.submit(id)
	}
	tick.Stop()
	var dec []time.Duration
	deadline := time.Now().Add(2 * time.Minute)
	for _, id := range prepared {
		for {
			d, ok := c.decisionLatency(id)
			if ok {
				dec = append(dec, d)
				break
			}
			if time.Now().After(deadline) {
				fail("decision did not arrive for " + id)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	fmt.Printf("submit -> decision: %d submissions at %.1f/s (engines %s); latency p50 %s p95 %s p99 %s max %s\n",
		len(dec), *rate, *engines, pct(dec, 50), pct(dec, 95), pct(dec, 99), pct(dec, 100))
}

func startServer(env func(string) string) string {
	pr, pw := io.Pipe()
	go func() {
		code := cli.Main(context.Background(), cli.Env{Args: []string{"serve"}, Stdout: io.Discard, Stderr: pw, Getenv: func(k string) string {
			if k == "KYCD_LOG_LEVEL" {
				return "info"
			}
			return env(k)
		}})
		fail(fmt.Sprintf("server exited with %d", code))
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		var m struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &m) == nil && m.Msg == "listening" {
			go io.Copy(io.Discard, pr)
			return "http://" + m.Addr
		}
	}
	fail("server did not start")
	return ""
}

func readPhase(c *client, ids []string, readers int, d time.Duration) ([]time.Duration, int64) {
	var mu sync.Mutex
	var all []time.Duration
	var n atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for time.Now().Before(stop) {
				id := ids[rand.IntN(len(ids))]
				t := time.Now()
				code := c.get("/v1/applicants/" + id)
				if code != 200 {
					fail(fmt.Sprintf("GET applicant: %d", code))
				}
				local = append(local, time.Since(t))
				n.Add(1)
			}
			mu.Lock()
			all = append(all, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, n.Load()
}

type client struct {
	base, key string
	http      *http.Client
}

func (c *client) req(method, path, auth string, body io.Reader, ctype string) (int, []byte) {
	req, err := http.NewRequest(method, c.base+path, body)
	check(err)
	req.Header.Set("Authorization", "Bearer "+auth)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := c.http.Do(req)
	check(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (c *client) get(path string) int {
	code, _ := c.req("GET", path, c.key, nil, "")
	return code
}

func (c *client) jsonReq(method, path, auth string, v any, want int) map[string]any {
	b, _ := json.Marshal(v)
	code, raw := c.req(method, path, auth, bytes.NewReader(b), "application/json")
	if code != want {
		fail(fmt.Sprintf("%s %s = %d: %s", method, path, code, raw))
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

func (c *client) createApplicant(ext string) string {
	m := c.jsonReq("POST", "/v1/applicants", c.key, map[string]any{"external_id": ext, "level": "basic",
		"profile": map[string]any{"first_name": "Bench", "last_name": "Person", "date_of_birth": "1990-01-01", "nationality": "UTO"}}, 201)
	return m["id"].(string)
}

var photos sync.Map

// passport is a clean synthetic photo of a passport data page of an invented person; a few are
// reused across applicants.
func passport(seed int) []byte {
	k := seed % 8
	if b, ok := photos.Load(k); ok {
		return b.([]byte)
	}
	b := synth.Render(synth.Spec{Seed: uint64(100 + k), Kind: synth.Passport}).JPEG
	photos.Store(k, b)
	return b
}

func photo(w, h, seed int) []byte {
	k := [3]int{w, h, seed}
	if b, ok := photos.Load(k); ok {
		return b.([]byte)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*3 + seed*41), uint8(y*5 + seed*7), uint8((x ^ y) + seed), 255})
		}
	}
	var b bytes.Buffer
	check(jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}))
	photos.Store(k, b.Bytes())
	return b.Bytes()
}

func (c *client) upload(path, auth string, fields map[string]string, data []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "p.jpg")
	fw.Write(data)
	w.Close()
	code, raw := c.req("POST", path, auth, &b, w.FormDataContentType())
	if code != 201 {
		fail(fmt.Sprintf("POST %s = %d: %s", path, code, raw))
	}
}

// prepare creates an applicant with every basic-level upload done; seed makes the photos unique
// per applicant (the same photo on two applicants is fine, but distinct ones are realistic).
func (c *client) prepare(ext string, seed int) string {
	id := c.createApplicant(ext)
	tok := c.jsonReq("POST", "/v1/applicants/"+id+"/token", c.key, nil, 200)["token"].(string)
	c.jsonReq("PUT", "/v1/applicants/"+id+"/identity", tok, map[string]any{"doc_type": "passport", "country": "UTO"}, 200)
	s := seed * 20
	c.upload("/v1/applicants/"+id+"/documents/front", tok, nil, passport(seed))
	c.upload("/v1/applicants/"+id+"/selfie", tok, nil, photo(720, 960, s+3))
	ch := c.jsonReq("POST", "/v1/applicants/"+id+"/liveness/challenge", tok, nil, 201)
	for i := 0; i < 3; i++ {
		c.upload("/v1/applicants/"+id+"/liveness/frames", tok, map[string]string{"nonce": ch["nonce"].(string),
			"index": fmt.Sprint(i), "captured_at": time.Now().UTC().Format(time.RFC3339Nano)}, photo(480, 640, s+4+i))
	}
	return id
}

func (c *client) submit(id string) {
	c.jsonReq("POST", "/v1/applicants/"+id+"/submit", c.key, nil, 202)
}

// decisionLatency reads the submission's server-side created and decided times.
func (c *client) decisionLatency(id string) (time.Duration, bool) {
	code, raw := c.req("GET", "/v1/applicants/"+id+"/attempts", c.key, nil, "")
	if code != 200 {
		fail(fmt.Sprintf("attempts: %d %s", code, raw))
	}
	var r struct {
		Submissions []struct {
			CreatedAt time.Time  `json:"created_at"`
			DecidedAt *time.Time `json:"decided_at"`
		}
	}
	check(json.Unmarshal(raw, &r))
	if len(r.Submissions) == 0 || r.Submissions[len(r.Submissions)-1].DecidedAt == nil {
		return 0, false
	}
	s := r.Submissions[len(r.Submissions)-1]
	return s.DecidedAt.Sub(s.CreatedAt), true
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p / 100)
	return s[i].Round(10 * time.Microsecond)
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "kycd-bench:", msg)
	os.Exit(1)
}
