package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kycd/kycd/config"
	"github.com/kycd/kycd/kyc"
)

// checkOutput is `kycd check`'s stable output (CHECK-CLI.md); fields are only ever added.
type checkOutput struct {
	Decision     kyc.Status                    `json:"decision"`
	Reasons      []kyc.Reason                  `json:"reasons"`
	Document     *kyc.DocumentData             `json:"document,omitempty"`
	Face         *kyc.FaceData                 `json:"face,omitempty"`
	POA          *kyc.POAData                  `json:"poa,omitempty"`
	Measurements map[string]map[string]float64 `json:"measurements"`
	TimingsMS    map[string]float64            `json:"timings_ms"`
	Level        string                        `json:"level"`
	Policy       string                        `json:"policy_version"`
}

const checkUsage = `kycd check — what the service would decide about these files, without a server

  --level basic|advanced          level whose policy applies (default: the lowest configured)
  --profile FILE.json             applicant profile; without it, data comparison is skipped
  --doc-type passport|id_card|driving_licence|residence_permit
  --doc-country ISO3              issuing country the applicant selected
  --doc-front FILE --doc-back FILE --selfie FILE
  --liveness-frames F1,F2,...     frames captured during the challenge, in order
  --challenge A1,A2,...           blink, turn_left, turn_right, nod
  --poa FILE                      proof of address (JPEG, PNG or PDF)
  --now YYYY-MM-DD                date to judge expiry and document age against (default today)
  --config FILE                   the service's configuration file (thresholds, accepted types)
Prints one JSON object; exit status 0 whatever the decision, 2 for usage errors, 1 for failures.
`

func cmdCheck(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "check")
	fs.Usage = func() { fmt.Fprint(env.Stderr, checkUsage) }
	var (
		level, profile, docType, docCountry, front, back, selfie, frames, challenge, poa, now, cfgPath string
	)
	fs.StringVar(&level, "level", "", "")
	fs.StringVar(&profile, "profile", "", "")
	fs.StringVar(&docType, "doc-type", "", "")
	fs.StringVar(&docCountry, "doc-country", "", "")
	fs.StringVar(&front, "doc-front", "", "")
	fs.StringVar(&back, "doc-back", "", "")
	fs.StringVar(&selfie, "selfie", "", "")
	fs.StringVar(&frames, "liveness-frames", "", "")
	fs.StringVar(&challenge, "challenge", "", "")
	fs.StringVar(&poa, "poa", "", "")
	fs.StringVar(&now, "now", "", "")
	fs.StringVar(&cfgPath, "config", "", "")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(cfgPath, env.Getenv)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if level == "" {
		level = cfg.Levels[0].Name
	}
	lvl, ok := cfg.Level(level)
	if !ok {
		return fmt.Errorf("%w: unknown level %q (configured: %s)", errUsage, level, strings.Join(cfg.LevelNames(), ", "))
	}
	pol, err := lvl.CompiledPolicy()
	if err != nil {
		return err
	}
	in := &kyc.CheckInput{Level: lvl, Attempts: map[kyc.Step]int{}, Now: time.Now().UTC()}
	if now != "" {
		if in.Now, err = time.Parse("2006-01-02", now); err != nil {
			return fmt.Errorf("%w: --now must be YYYY-MM-DD", errUsage)
		}
	}
	maxRead := max(cfg.Limits.MaxImageBytes, cfg.Limits.MaxPDFBytes) + 1
	load := func(path string, step kyc.Step, side kyc.Side) (*kyc.Upload, error) {
		if path == "" {
			return nil, nil
		}
		data, err := readLimited(path, maxRead)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		return &kyc.Upload{Step: step, Side: side, Data: data}, nil
	}
	if profile != "" {
		p, err := readProfile(profile, in.Now)
		if err != nil {
			return fmt.Errorf("%w: --profile: %v", errUsage, err)
		}
		in.Profile = p
	}
	if docType != "" || docCountry != "" {
		c := kyc.IdentityChoice{DocType: kyc.DocType(docType), Country: strings.ToUpper(docCountry)}
		if !c.DocType.Valid() {
			return fmt.Errorf("%w: --doc-type must be passport, id_card, driving_licence or residence_permit", errUsage)
		}
		if len(c.Country) != 3 {
			return fmt.Errorf("%w: --doc-country must be an ISO 3166-1 alpha-3 code", errUsage)
		}
		in.Identity = &c
	}
	if in.Front, err = load(front, kyc.StepIdentity, kyc.SideFront); err != nil {
		return err
	}
	if in.Back, err = load(back, kyc.StepIdentity, kyc.SideBack); err != nil {
		return err
	}
	if in.Selfie, err = load(selfie, kyc.StepSelfie, kyc.SideSelfie); err != nil {
		return err
	}
	if in.POA, err = load(poa, kyc.StepProofOfAddress, kyc.SidePOA); err != nil {
		return err
	}
	if frames != "" {
		for _, p := range strings.Split(frames, ",") {
			u, err := load(strings.TrimSpace(p), kyc.StepLiveness, kyc.SideFrame)
			if err != nil {
				return err
			}
			in.Frames = append(in.Frames, u)
		}
	}
	if challenge != "" {
		c := &kyc.Challenge{ID: "cli", CreatedAt: in.Now, ExpiresAt: in.Now.Add(cfg.Liveness.TTL.Duration)}
		for _, a := range strings.Split(challenge, ",") {
			act := kyc.LivenessAction(strings.TrimSpace(a))
			if !validAction(act) {
				return fmt.Errorf("%w: --challenge: unknown action %q (blink, turn_left, turn_right, nod)", errUsage, a)
			}
			c.Actions = append(c.Actions, act)
		}
		in.Challenge = c
	}
	pipe := newPipeline(cfg, newLogger(io.Discard, "error"))
	defer pipe.Close()
	res, err := pipe.Check(ctx, in)
	if err != nil {
		return err
	}
	res.Findings = append(res.Findings, kyc.PolicyFindings(in)...)
	j := kyc.Judge(pol, res.Findings, in.Attempts, nil, cfg.Review.MaxAttemptsPerStep, false)
	out := checkOutput{Decision: j.Outcome, Reasons: j.Reasons, Document: res.Document, Face: res.Face, POA: res.POA,
		Measurements: res.Measurements, TimingsMS: res.TimingsMS, Level: lvl.Name, Policy: pol.Version}
	if out.Reasons == nil {
		out.Reasons = []kyc.Reason{}
	}
	if out.Measurements == nil {
		out.Measurements = map[string]map[string]float64{}
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

func validAction(a kyc.LivenessAction) bool {
	for _, x := range kyc.LivenessActions {
		if a == x {
			return true
		}
	}
	return false
}

// readLimited reads at most limit bytes: a larger file comes back truncated to limit, which the
// file checks report as too large without reading the rest.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

func readProfile(path string, now time.Time) (*kyc.Profile, error) {
	b, err := readLimited(path, 64<<10+1)
	if err != nil {
		return nil, err
	}
	if len(b) > 64<<10 {
		return nil, errors.New("profile file larger than 64 KiB")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p kyc.Profile
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if err := kyc.ValidateProfile(&p, now, false); err != nil {
		return nil, err
	}
	return &p, nil
}
