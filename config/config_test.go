package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kycd/kycd/kyc"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.Database.Driver != "sqlite" {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.Limits.MaxImageBytes != 2<<20 || c.Review.MaxAttemptsPerStep != 5 || c.Review.SLABusinessDays != 2 {
		t.Errorf("limits/review defaults wrong: %+v %+v", c.Limits, c.Review)
	}
	basic, ok := c.Level("basic")
	if !ok || len(basic.Steps) != 4 || basic.Limits["withdrawal_24h_usd"] != 10000 {
		t.Fatalf("basic level wrong: %+v", basic)
	}
	adv, _ := c.Level("advanced")
	if adv.Steps[len(adv.Steps)-1] != kyc.StepProofOfAddress || adv.POAMaxAgeDays != 90 {
		t.Errorf("advanced level wrong: %+v", adv)
	}
	if types, ok := basic.Accepted("DEU"); !ok || len(types) != 4 {
		t.Errorf("DEU not accepted by default")
	}
	if !strings.HasPrefix(c.Files.URL, "file://") || c.PublicURL != "http://127.0.0.1:8080" {
		t.Errorf("derived values wrong: %q %q", c.Files.URL, c.PublicURL)
	}
}

func TestFileAndEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := filepath.Join(dir, "dsn")
	os.WriteFile(secret, []byte("postgres://u@127.0.0.1/db\n"), 0o600)
	cfg := filepath.Join(dir, "kycd.yaml")
	os.WriteFile(cfg, []byte(`
addr: 0.0.0.0:9000
review:
  max_attempts_per_step: 3
levels:
  - name: only
    steps: [profile, identity]
    documents:
      CHN: [id_card, passport]
      USA: []
`), 0o600)
	c, err := Load(cfg, env(map[string]string{
		"KYCD_DATABASE_DRIVER":    "postgres",
		"KYCD_DATABASE_DSN_FILE":  secret,
		"KYCD_JOBS_POLL_INTERVAL": "20ms",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.Review.MaxAttemptsPerStep != 3 || c.Review.SLABusinessDays != 2 {
		t.Errorf("file values not merged over defaults: %+v", c.Review)
	}
	if c.Database.DSN != "postgres://u@127.0.0.1/db" || c.Jobs.PollInterval.Duration != 20*time.Millisecond {
		t.Errorf("env not applied: %q %v", c.Database.DSN, c.Jobs.PollInterval)
	}
	if len(c.Levels) != 1 || c.Levels[0].Policy.Version != "only-1" {
		t.Fatalf("levels not replaced: %+v", c.Levels)
	}
	l := c.Levels[0]
	if _, ok := l.Accepted("USA"); ok {
		t.Errorf("USA mapped to no types must be refused")
	}
	if _, ok := l.Accepted("FRA"); ok {
		t.Errorf("FRA not listed and no wildcard must be refused")
	}
	if strings.Contains(c.Masked(), "postgres://") || !strings.Contains(c.Masked(), `"dsn": "***"`) {
		t.Errorf("secret not masked: %s", c.Masked())
	}
}

func TestInvalid(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"unknown key":     "adress: x\n",
		"bad driver":      "database: {driver: mysql}\n",
		"bad step":        "levels: [{name: x, steps: [retina]}]\n",
		"bad doc type":    "levels: [{name: x, steps: [identity], documents: {DEU: [visa]}}]\n",
		"bad country":     "levels: [{name: x, steps: [identity], documents: {DE: [passport]}}]\n",
		"bad policy code": "levels: [{name: x, steps: [identity], policy: {overrides: {NOPE: {disposition: RETRY}}}}]\n",
		"dup level":       "levels: [{name: x, steps: [identity]}, {name: x, steps: [identity]}]\n",
		"bad duration":    "tokens: {ttl: soon}\n",
		"rescue too soon": "jobs: {job_timeout: 10s, rescue_after: 5s}\n",
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := filepath.Join(t.TempDir(), "c.yaml")
			os.WriteFile(p, []byte(body), 0o600)
			if _, err := Load(p, env(nil)); err == nil {
				t.Fatalf("accepted %q", body)
			}
		})
	}
	if _, err := Load("", env(map[string]string{"KYCD_MAX_IMAGE_BYTES": "lots"})); err == nil {
		t.Error("bad env number accepted")
	}
}
