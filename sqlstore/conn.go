package sqlstore

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// querier runs the shared SQL on either database: database/sql (SQLite) or pgx (PostgreSQL), in
// or outside a transaction. Placeholders are $1-style, which both accept.
type querier interface {
	exec(ctx context.Context, q string, args ...any) (int64, error)
	query(ctx context.Context, q string, args ...any) (rows, error)
}

// rows is what pgx.Rows already is, and what sqlRows makes of *sql.Rows.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// stmtCache keeps one prepared statement per query text on a *sql.DB. database/sql re-prepares a
// statement lazily on each connection of the pool and keeps it there, so a hot read skips
// SQLite's parser.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) lookup(q string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[q]
}

func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := c.lookup(q); st != nil {
		return st, nil
	}
	// Prepare without the lock: it may wait for a connection held by a transaction that is
	// itself looking statements up.
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[q]; prev != nil {
		_ = st.Close() // prepared twice concurrently: keep the first
		return prev, nil
	}
	c.m[q] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		_ = st.Close()
		delete(c.m, q)
	}
}

// sqlQuerier runs statements from a cache, inside tx when it is set. tx must belong to the
// cache's *sql.DB.
type sqlQuerier struct {
	stmts *stmtCache
	tx    *sql.Tx
	// missed collects the queries a transaction had to prepare for itself: the writer's only
	// connection is the transaction's, so preparing on the *sql.DB would wait for ever. They are
	// added to the cache once the transaction has ended.
	missed *[]string
}

func (s sqlQuerier) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if s.tx == nil {
		return s.stmts.get(ctx, q)
	}
	if st := s.stmts.lookup(q); st != nil {
		// Reuses the statement already prepared on the transaction's connection.
		return s.tx.StmtContext(ctx, st), nil
	}
	*s.missed = append(*s.missed, q)
	return s.tx.PrepareContext(ctx, q)
}

func (s sqlQuerier) exec(ctx context.Context, q string, args ...any) (int64, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s sqlQuerier) query(ctx context.Context, q string, args ...any) (rows, error) {
	st, err := s.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	r, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{r}, nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

// pgRunner is what pgxpool.Pool and pgx.Tx have in common. pgx caches prepared statements per
// connection by itself.
type pgRunner interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

type pgQuerier struct{ c pgRunner }

func (p pgQuerier) exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := p.c.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (p pgQuerier) query(ctx context.Context, q string, args ...any) (rows, error) {
	r, err := p.c.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return r, nil
}
