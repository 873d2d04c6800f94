// Package cli is the kycd command: serve (API, web and workers), migrate, apikey create,
// reviewer create, keys rotate, audit verify and check. Main is the whole program, so end-to-end
// tests run exactly what operators run.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kycd/kycd/config"
	"github.com/kycd/kycd/httpapi"
	"github.com/kycd/kycd/kyc"
	"github.com/kycd/kycd/web"
)

// Env is the process environment Main runs in.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// errUsage marks a usage error: exit status 2.
var errUsage = errors.New("usage")

const usage = `kycd — self-hosted identity verification

Usage:
  kycd serve [--config FILE] [--addr ADDR] [--data-dir DIR] [--role all|api|worker]
  kycd migrate [--config FILE] [--data-dir DIR]
  kycd apikey create --name NAME [--config FILE] [--data-dir DIR]
  kycd reviewer create --email EMAIL --name NAME [--role reviewer|admin] [--password-stdin] [--config FILE] [--data-dir DIR]
  kycd keys rotate [--config FILE] [--data-dir DIR]
  kycd audit verify [--config FILE] [--data-dir DIR]
  kycd check [flags]            (see kycd check --help)
  kycd config [--config FILE]   print the effective configuration, secrets masked
  kycd webhooks listen --secret whsec_... [--addr 127.0.0.1:9999]
                                receive and verify kycd's webhooks locally (for trying kycd out)
`

// Main runs kycd and returns its exit status.
func Main(ctx context.Context, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	args := env.Args
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, env, args[1:])
	case "migrate":
		err = withApp(ctx, env, "migrate", args[1:], nil, func(ctx context.Context, a *app) error {
			fmt.Fprintln(env.Stdout, "migrations applied")
			return nil
		})
	case "apikey":
		err = cmdAPIKey(ctx, env, args[1:])
	case "reviewer":
		err = cmdReviewer(ctx, env, args[1:])
	case "keys":
		err = cmdKeys(ctx, env, args[1:])
	case "audit":
		err = cmdAudit(ctx, env, args[1:])
	case "check":
		err = cmdCheck(ctx, env, args[1:])
	case "config":
		err = cmdConfig(env, args[1:])
	case "webhooks":
		err = cmdWebhooks(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprint(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "kycd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(env.Stderr, "kycd: %v\n", err)
		return 2
	case errors.Is(err, errTampered):
		return 3
	default:
		fmt.Fprintf(env.Stderr, "kycd: %v\n", err)
		return 1
	}
}

// commonFlags are the flags every server-side command takes.
type commonFlags struct {
	config, addr, dataDir string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.config, "config", "", "configuration file (YAML)")
	fs.StringVar(&c.addr, "addr", "", "listen address (default 127.0.0.1:8080, or KYCD_ADDR)")
	fs.StringVar(&c.dataDir, "data-dir", "", "data directory (default ./data, or KYCD_DATA_DIR)")
}

// load reads the configuration; flags win over the environment, which wins over the file.
func (c *commonFlags) load(env Env) (*config.Config, error) {
	path := c.config
	if path == "" {
		path = env.Getenv("KYCD_CONFIG")
	}
	getenv := func(k string) string {
		switch {
		case k == "KYCD_ADDR" && c.addr != "":
			return c.addr
		case k == "KYCD_DATA_DIR" && c.dataDir != "":
			return c.dataDir
		}
		return env.Getenv(k)
	}
	return config.Load(path, getenv)
}

func newFlagSet(env Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}

// withApp parses common flags plus extra, opens the app and runs fn.
func withApp(ctx context.Context, env Env, name string, args []string, extra func(*flag.FlagSet), fn func(context.Context, *app) error) error {
	fs := newFlagSet(env, name)
	var cf commonFlags
	cf.register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, newLogger(env.Stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer a.close()
	return fn(ctx, a)
}

var cliActor = kyc.Actor{Type: kyc.ActorSystem, ID: "cli"}

func cmdServe(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet(env, "serve")
	var cf commonFlags
	cf.register(fs)
	role := fs.String("role", "all", "what this process runs: all (API, web and workers), api, or worker")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *role != "all" && *role != "api" && *role != "worker" {
		return fmt.Errorf("%w: --role must be all, api or worker", errUsage)
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	log := newLogger(env.Stderr, cfg.LogLevel)
	log.Info("configuration", "config", cfg.Masked())
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()
	if *role != "api" {
		var delay time.Duration
		if v := env.Getenv("KYCD_TEST_CHECK_DELAY"); v != "" {
			if delay, err = time.ParseDuration(v); err != nil {
				return fmt.Errorf("KYCD_TEST_CHECK_DELAY: %w", err)
			}
			log.Warn("check jobs are delayed on purpose (KYCD_TEST_CHECK_DELAY)", "delay", delay.String())
		}
		if err := a.startWorkers(ctx, delay); err != nil {
			return fmt.Errorf("workers: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	api := httpapi.New(a.svc, httpapi.Config{Logger: log, MaxJSONBytes: cfg.Limits.MaxJSONBytes,
		MaxImageBytes: cfg.Limits.MaxImageBytes, MaxPDFBytes: cfg.Limits.MaxPDFBytes,
		MaxAppealFiles: cfg.Limits.MaxAppealFiles, AllowPrivateWebhooks: cfg.Webhooks.AllowPrivate})
	// The pages (hosted flow, reviewer console) share the listener; /v1/, /healthz and /openapi*
	// stay with the API.
	pages := web.New(a.svc, web.Config{Logger: log, PublicURL: cfg.PublicURL, MaxImageBytes: cfg.Limits.MaxImageBytes})
	var h http.Handler = pages.Mount(api.Handler())
	if *role == "worker" {
		h = healthOnly()
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	log.Info("listening", "addr", ln.Addr().String(), "role", *role, "database", cfg.Database.Driver)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// healthOnly is the HTTP surface of a worker-only process.
func healthOnly() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok","role":"worker"}`)
	})
	return mux
}

func cmdAPIKey(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: kycd apikey create --name NAME", errUsage)
	}
	var name string
	return withApp(ctx, env, "apikey create", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "a name to recognise the key by")
	}, func(ctx context.Context, a *app) error {
		if name == "" {
			return fmt.Errorf("%w: --name is required", errUsage)
		}
		secret, k, err := a.svc.CreateAPIKey(ctx, cliActor, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "created API key %s (%s); it is shown once:\n", k.ID, k.Name)
		fmt.Fprintln(env.Stdout, secret)
		return nil
	})
}

func cmdReviewer(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: kycd reviewer create --email EMAIL --name NAME [--role reviewer|admin] [--password-stdin]", errUsage)
	}
	var email, name, role string
	var stdin bool
	return withApp(ctx, env, "reviewer create", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "login email")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&role, "role", "reviewer", "reviewer or admin")
		fs.BoolVar(&stdin, "password-stdin", false, "read the password from standard input (else KYCD_REVIEWER_PASSWORD)")
	}, func(ctx context.Context, a *app) error {
		pw := env.Getenv("KYCD_REVIEWER_PASSWORD")
		if stdin {
			line, err := bufio.NewReader(io.LimitReader(env.Stdin, 1024)).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			pw = strings.TrimRight(line, "\r\n")
		}
		if pw == "" {
			return fmt.Errorf("%w: give the password with --password-stdin or KYCD_REVIEWER_PASSWORD", errUsage)
		}
		st, err := a.svc.CreateStaff(ctx, cliActor, email, name, kyc.Role(role), pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "created %s %s\n", st.Role, st.ID)
		return nil
	})
}

var errTampered = errors.New("audit log tampered")

func cmdAudit(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("%w: kycd audit verify", errUsage)
	}
	return withApp(ctx, env, "audit verify", args[1:], nil, func(ctx context.Context, a *app) error {
		rep, err := a.svc.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		if rep.OK {
			fmt.Fprintf(env.Stdout, "audit log intact: %d entries verified\n", rep.Checked)
			return nil
		}
		e := rep.Tampered
		fmt.Fprintf(env.Stdout, "audit log TAMPERED at entry seq=%d id=%s action=%s at=%s: %s (%d entries before it verified)\n",
			e.Seq, e.ID, e.Action, e.At.Format(time.RFC3339), rep.Problem, rep.Checked)
		return errTampered
	})
}

func cmdKeys(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		return fmt.Errorf("%w: kycd keys rotate", errUsage)
	}
	return withApp(ctx, env, "keys rotate", args[1:], nil, func(ctx context.Context, a *app) error {
		return rotateKeys(ctx, env, a)
	})
}

func cmdConfig(env Env, args []string) error {
	fs := newFlagSet(env, "config")
	var cf commonFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := cf.load(env)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, cfg.Masked())
	return nil
}
