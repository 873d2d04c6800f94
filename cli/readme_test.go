package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestREADMEWalkthrough runs the README's walkthrough, verbatim, against a real kycd process: the
// shell blocks between the walkthrough markers, in order, in one bash.
func TestREADMEWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes and builds the binaries")
	}
	for _, tool := range []string{"bash", "curl", "jq", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing: scripts/setup.sh installs it", tool)
			}
			t.Skipf("%s is missing", tool)
		}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script := walkthrough(t, string(readme))
	dir := t.TempDir()
	srv := startServer(t, map[string]string{"KYCD_DATA_DIR": dir})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = root // the walkthrough runs from the repository root
	cmd.Env = append(os.Environ(), "KYCD=http://"+srv.Addr, "KYCD_DATA_DIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Whatever happens, nothing the walkthrough started in the background outlives it.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	t.Cleanup(func() { os.RemoveAll(filepath.Join(root, "demo")) })
	if err != nil {
		t.Fatalf("walkthrough failed: %v\n%s\nserver log:\n%s", err, out, srv.Log())
	}
	text := string(out)
	t.Logf("walkthrough output:\n%s", text)
	for _, want := range []string{
		`"code":"FILE_FORMAT_UNSUPPORTED"`, // the wrong file, refused at once
		`"IMG_LOW_RESOLUTION"`,             // the small photo, kept with its reason
		"\n[]\n",                           // the retake, without a reason
		`"status":"action_required"`,       // the first decision
		`"code":"SELFIE_NO_FACE"`,          // its reasons: the placeholder selfie has no face
		`"code":"LIVENESS_CHALLENGE_FAILED"`,
		`{"step":"identity","state":"passed"`, // the passport was read and matches the profile
		`"kind":"appeal"`,                     // the appeal in the queue
		`"decision":"resubmit"`,               // the reviewer's request
		`"steps":["selfie","liveness"]`,       // only those steps left to redo
		`"code":"FILE_DUPLICATE_UPLOAD"`,      // the known-bad selfie again, refused
		"verified",                            // webhooks received and verified
		"applicant.decision",
		"audit log intact",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("walkthrough output lacks %s\n%s", want, text)
		}
	}
	if strings.Contains(text, "REJECTED") {
		t.Errorf("a webhook failed verification:\n%s", text)
	}
}

var fence = regexp.MustCompile("(?s)```sh\n(.*?)```")

func walkthrough(t *testing.T, readme string) string {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- walkthrough -->")
	body, _, ok2 := strings.Cut(rest, "<!-- /walkthrough -->")
	if !ok || !ok2 {
		t.Fatal("README has no walkthrough markers")
	}
	var b strings.Builder
	for _, m := range fence.FindAllStringSubmatch(body, -1) {
		b.WriteString(m[1])
		b.WriteString("\n")
	}
	if b.Len() == 0 {
		t.Fatal("README walkthrough has no shell blocks")
	}
	return b.String()
}
