// Package sqlstore is kycd's persistence on SQLite (embedded, the default) and PostgreSQL: it
// implements kyc.Store with one body of SQL shared by both databases, so they cannot drift, and
// runs durable background jobs through River in the same database, enqueued in the same
// transaction as the state change that needs them.
//
// What differs between the two databases is kept in one small dialect struct (error codes, the
// write lock). SQLite uses one writer connection for transactions and River, and a separate
// pool of read-only connections for reads outside a transaction. PostgreSQL uses one pgx pool;
// write transactions take an advisory lock so that writers are serialised as on SQLite.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/kycd/kycd/kyc"
)

// Driver names accepted in Config.Driver.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Config selects and tunes the database.
type Config struct {
	// Driver is DriverSQLite (the default) or DriverPostgres.
	Driver string
	// Path is the SQLite database file (e.g. <data_dir>/kycd.db). For SQLite a DSN is taken as a
	// path when Path is empty.
	Path string
	// DSN is the PostgreSQL connection string (postgres://user@host:5432/db?sslmode=disable).
	DSN string
	// Schema is the PostgreSQL schema holding kycd's and River's tables; Migrate creates it.
	// Empty means the DSN's search_path (usually public).
	Schema string
	// Logger receives River's logs and the store's warnings. Nil discards them.
	Logger *slog.Logger
	// ReadConns is the size of SQLite's read pool (default 2×GOMAXPROCS, at least 4), or the
	// maximum size of the PostgreSQL pool (default pgx's: 4 or the CPU count; at least 3).
	ReadConns int
}

// DB is kycd's store. Its Reader methods read outside any transaction; Update runs a write
// transaction.
type DB struct {
	queries // reads outside a transaction: SQLite's read pool or the PostgreSQL pool

	cfg Config
	d   *dialect
	log *slog.Logger

	// SQLite: one writer connection (transactions, River) and a pool of read-only connections.
	writer, reader *sql.DB
	wstmts, rstmts *stmtCache

	// PostgreSQL.
	pool    *pgxpool.Pool
	lockKey int64

	river    riverBackend
	inserter jobClient // insert-only River client: Enqueue works in every role

	jobMu  sync.Mutex
	worker jobClient // started by StartJobs
}

var (
	_ kyc.Store  = (*DB)(nil)
	_ kyc.Reader = (*DB)(nil)
	_ kyc.Tx     = (*tx)(nil)
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

var schemaRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]{0,47}$`)

// Open connects to the database. It does not change the schema: call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var (
		db  *DB
		err error
	)
	switch cfg.Driver {
	case "", DriverSQLite:
		cfg.Driver = DriverSQLite
		db, err = openSQLite(ctx, cfg)
	case DriverPostgres:
		db, err = openPostgres(ctx, cfg)
	default:
		return nil, fmt.Errorf("sqlstore: unknown driver %q (sqlite or postgres)", cfg.Driver)
	}
	if err != nil {
		return nil, err
	}
	db.inserter, err = db.river.client(db.riverConfig())
	if err != nil {
		db.closeConns()
		return nil, fmt.Errorf("sqlstore: job client: %w", err)
	}
	return db, nil
}

// sqliteWriterParams: WAL for concurrent readers, a busy timeout, foreign keys, and BEGIN
// IMMEDIATE so that a read-then-write transaction never fails with SQLITE_BUSY.
const sqliteWriterParams = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)&_txlock=immediate"

// sqliteReaderParams: the read pool cannot write, whatever a bug asks of it.
const sqliteReaderParams = "_pragma=busy_timeout(5000)&_pragma=query_only(1)"

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	path := cfg.Path
	if path == "" {
		path = strings.TrimPrefix(cfg.DSN, "file:")
	}
	if path == "" {
		return nil, errors.New("sqlstore: SQLite needs a database file path")
	}
	if strings.ContainsAny(path, "?#") {
		return nil, errors.New("sqlstore: the SQLite path must not contain '?' or '#'")
	}
	writer, err := sql.Open("sqlite", "file:"+path+"?"+sqliteWriterParams)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	// The writer connects first: it switches the file to WAL before any reader opens it.
	if err := writer.PingContext(ctx); err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", "file:"+path+"?"+sqliteReaderParams)
	if err != nil {
		_ = writer.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	n := cfg.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	reader.SetConnMaxLifetime(0)
	reader.SetConnMaxIdleTime(0)
	db := &DB{cfg: cfg, d: sqliteDialect, log: cfg.Logger, writer: writer, reader: reader,
		wstmts: newStmtCache(writer), rstmts: newStmtCache(reader), river: riverDriver[*sql.Tx]{riversqlite.New(writer)}}
	db.queries = queries{q: sqlQuerier{stmts: db.rstmts}, d: db.d}
	return db, nil
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.DSN == "" {
		return nil, errors.New("sqlstore: PostgreSQL needs a DSN")
	}
	pcfg, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: parse DSN: %w", err)
	}
	if cfg.Schema != "" {
		if !schemaRE.MatchString(cfg.Schema) {
			return nil, fmt.Errorf("sqlstore: schema %q: use letters, digits and underscores (at most 48)", cfg.Schema)
		}
		pcfg.ConnConfig.RuntimeParams["search_path"] = cfg.Schema
	}
	if cfg.ReadConns > 0 {
		// Migrate holds one connection for its lock while goose and River use others.
		pcfg.MaxConns = int32(max(cfg.ReadConns, 3))
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("sqlstore: connect: %w", err)
	}
	db := &DB{cfg: cfg, d: postgresDialect, log: cfg.Logger, pool: pool,
		lockKey: lockKey("kycd writes " + cfg.Schema), river: riverDriver[pgx.Tx]{riverpgxv5.New(pool)}}
	db.queries = queries{q: pgQuerier{pool}, d: db.d}
	return db, nil
}

// lockKey names a PostgreSQL advisory lock; the schema is part of the name so that stores in
// different schemas of one database do not wait for each other.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// Driver returns DriverSQLite or DriverPostgres.
func (db *DB) Driver() string { return db.d.name }

// Update runs fn in one write transaction and commits if fn returns nil; jobs fn enqueued commit
// or roll back with it. Transactions are serialised: fn must not call Update again (it would
// wait for itself) and should not do slow work such as network calls. Inside fn, read through
// the kyc.Tx only.
func (db *DB) Update(ctx context.Context, fn func(kyc.Tx) error) error {
	if db.pool != nil {
		return db.updatePostgres(ctx, fn)
	}
	return db.updateSQLite(ctx, fn)
}

func (db *DB) updateSQLite(ctx context.Context, fn func(kyc.Tx) error) (err error) {
	stx, err := db.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE (DSN): takes the write lock now
	if err != nil {
		return db.d.wrap(err, "")
	}
	committed := false
	var missed []string
	defer func() {
		if !committed {
			_ = stx.Rollback()
		}
		// The connection is free again: prepare what the transaction missed, for next time.
		for _, q := range missed {
			_, _ = db.wstmts.get(context.WithoutCancel(ctx), q)
		}
	}()
	t := &tx{queries: queries{q: sqlQuerier{stmts: db.wstmts, tx: stx, missed: &missed}, d: db.d}, db: db, raw: stx}
	if err := fn(t); err != nil {
		return err
	}
	committed = true
	return db.d.wrap(stx.Commit(), "")
}

func (db *DB) updatePostgres(ctx context.Context, fn func(kyc.Tx) error) (err error) {
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return db.d.wrap(err, "")
	}
	committed := false
	defer func() {
		if !committed {
			_ = ptx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err := ptx.Exec(ctx, db.d.lockWrites, db.lockKey); err != nil {
		return db.d.wrap(err, "")
	}
	t := &tx{queries: queries{q: pgQuerier{ptx}, d: db.d}, db: db, raw: ptx}
	if err := fn(t); err != nil {
		return err
	}
	committed = true
	return db.d.wrap(ptx.Commit(ctx), "")
}

// Migrate brings kycd's tables and River's up to date, in the configured schema (created if
// missing). Each goose migration runs in a transaction. On PostgreSQL an advisory lock lets
// several processes start at once.
func (db *DB) Migrate(ctx context.Context) error {
	sqlDB := db.writer
	if db.pool != nil {
		conn, err := db.pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("sqlstore: migrate: %w", err)
		}
		defer conn.Release()
		key := lockKey("kycd migrate " + db.cfg.Schema)
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
			return fmt.Errorf("sqlstore: migrate: lock: %w", err)
		}
		defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()
		if db.cfg.Schema != "" {
			if _, err := conn.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS "`+db.cfg.Schema+`"`); err != nil {
				return fmt.Errorf("sqlstore: migrate: create schema: %w", err)
			}
		}
		sqlDB = stdlib.OpenDBFromPool(db.pool)
		defer sqlDB.Close()
	}
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	exclude, err := otherDialectFiles(fsys, db.d.name)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(db.d.goose, sqlDB, fsys, goose.WithDisableGlobalRegistry(true),
		goose.WithExcludeNames(exclude))
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	for _, r := range res {
		db.log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	if err := db.river.migrate(ctx, &rivermigrate.Config{Logger: db.log, Schema: db.riverSchema()}); err != nil {
		return fmt.Errorf("sqlstore: migrate River: %w", err)
	}
	return nil
}

// otherDialectFiles lists the migrations written for the other database: NNNNN_name.sqlite.sql
// and NNNNN_name.postgres.sql share a version number and only one of them runs.
func otherDialectFiles(fsys fs.FS, dialect string) ([]string, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		for _, d := range []string{DriverSQLite, DriverPostgres} {
			if d != dialect && strings.HasSuffix(n, "."+d+".sql") {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// Close stops the job workers (waiting up to ten seconds for running jobs) and closes the
// connections. Call StopJobs first for a longer graceful stop.
func (db *DB) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := db.StopJobs(ctx)
	db.closeConns()
	return err
}

func (db *DB) closeConns() {
	if db.pool != nil {
		db.pool.Close()
		return
	}
	db.rstmts.close()
	db.wstmts.close()
	_ = db.reader.Close()
	_ = db.writer.Close()
}
