package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The shared store suite runs on SQLite (always) and PostgreSQL. PostgreSQL is part of the normal
// run: it is skipped with a message when unreachable, unless CI=true, where that fails.

const defaultTestPGDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func testPGDSN() string {
	if dsn := os.Getenv("KYCD_TEST_PG_DSN"); dsn != "" {
		return dsn
	}
	return defaultTestPGDSN
}

var (
	pgOnce      sync.Once
	pgReachable error
)

func pgAvailable() error {
	pgOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, testPGDSN())
		if err != nil {
			pgReachable = err
			return
		}
		pgReachable = conn.Ping(ctx)
		_ = conn.Close(ctx)
	})
	return pgReachable
}

type backend struct {
	name  string
	setup func(t testing.TB) *DB
}

// backends lists the databases to run a test on.
func backends(t testing.TB) []backend {
	out := []backend{{DriverSQLite, setupSQLite}}
	if err := pgAvailable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable and CI=true: %v", testPGDSN(), err)
		}
		t.Logf("skipping PostgreSQL: %s unreachable (%v); set KYCD_TEST_PG_DSN", testPGDSN(), err)
		return out
	}
	return append(out, backend{DriverPostgres, setupPostgres})
}

// setupSQLite returns a fresh migrated SQLite store in a temporary directory.
func setupSQLite(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), Config{Driver: DriverSQLite, Path: filepath.Join(t.TempDir(), "kycd.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// setupPostgres returns a store in a fresh schema kycd_test_<random>, dropped on cleanup.
func setupPostgres(t testing.TB) *DB {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "kycd_test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() { dropSchema(t, schema) })
	db, err := Open(context.Background(), Config{Driver: DriverPostgres, DSN: testPGDSN(), Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func dropSchema(t testing.TB, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, testPGDSN())
	if err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS "`+schema+`" CASCADE`); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}

// rawExec runs SQL outside the store's API, as an operator (or an attacker) would.
func rawExec(ctx context.Context, db *DB, q string, args ...any) error {
	if db.pool != nil {
		_, err := db.pool.Exec(ctx, q, args...)
		return err
	}
	_, err := db.writer.ExecContext(ctx, q, args...)
	return err
}
