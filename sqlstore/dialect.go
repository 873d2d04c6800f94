package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kycd/kycd/kyc"
)

// dialect holds everything that differs between SQLite and PostgreSQL. The SQL itself does not:
// both accept $n placeholders, ON CONFLICT upserts, RETURNING and the same DDL.
type dialect struct {
	name  string
	goose goose.Dialect
	// lockWrites is run first in every write transaction, with the lock key as $1, so that writers
	// are serialised as they are on SQLite (one connection, BEGIN IMMEDIATE): the service's
	// read-check-write logic then needs no row locks. Empty where writers are serialised already.
	lockWrites string
	// uniqueViolation and foreignKeyViolation classify driver errors.
	uniqueViolation     func(error) bool
	foreignKeyViolation func(error) bool
}

var sqliteDialect = &dialect{
	name:  DriverSQLite,
	goose: goose.DialectSQLite3,
	uniqueViolation: func(err error) bool {
		code, msg, ok := sqliteCode(err)
		return ok && (code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY ||
			(code == sqlite3.SQLITE_CONSTRAINT && strings.Contains(msg, "UNIQUE constraint failed")))
	},
	foreignKeyViolation: func(err error) bool {
		code, msg, ok := sqliteCode(err)
		return ok && (code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY ||
			(code == sqlite3.SQLITE_CONSTRAINT && strings.Contains(msg, "FOREIGN KEY constraint failed")))
	},
}

var postgresDialect = &dialect{
	name:       DriverPostgres,
	goose:      goose.DialectPostgres,
	lockWrites: "SELECT pg_advisory_xact_lock($1)",
	uniqueViolation: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	foreignKeyViolation: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23503"
	},
}

func sqliteCode(err error) (int, string, bool) {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0, "", false
	}
	return se.Code(), se.Error(), true
}

// wrap turns a driver error into kycd's error model: a unique violation is a conflict with the
// given safe message, a missing referenced row is a not-found error, and anything else is an
// internal error that keeps its cause.
func (d *dialect) wrap(err error, conflict string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case d.uniqueViolation(err):
		if conflict == "" {
			conflict = "the record already exists"
		}
		return &kyc.Error{Kind: kyc.KindConflict, Message: conflict, Err: err}
	case d.foreignKeyViolation(err):
		return &kyc.Error{Kind: kyc.KindNotFound, Message: "a referenced record was not found", Err: err}
	}
	var ke *kyc.Error
	if errors.As(err, &ke) {
		return err
	}
	return fmt.Errorf("sqlstore: %w", err)
}
