package pgsink

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// manifest holds the sanitized names of the three bookkeeping tables and
// the statements that use them.
type manifest struct {
	batches, positions, rejects string
}

func newManifest(name string) manifest {
	id := identifier(name)
	with := func(suffix string) string {
		n := append(pgx.Identifier{}, id...)
		n[len(n)-1] += suffix
		return n.Sanitize()
	}
	return manifest{batches: id.Sanitize(), positions: with("_positions"), rejects: with("_rejects")}
}

// identifier splits a possibly schema-qualified name ("schema.table").
func identifier(name string) pgx.Identifier {
	return pgx.Identifier(strings.Split(name, "."))
}

// ddl creates the tables if they do not exist.
func (m manifest) ddl() []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + m.batches + ` (
			stream text NOT NULL,
			shard text NOT NULL,
			first_sequence_number text NOT NULL,
			first_subsequence_number bigint NOT NULL,
			last_sequence_number text NOT NULL,
			last_subsequence_number bigint NOT NULL,
			loaded integer NOT NULL,
			skipped integer NOT NULL,
			rejected integer NOT NULL,
			loaded_at timestamptz NOT NULL DEFAULT now()
		)`,
		`CREATE TABLE IF NOT EXISTS ` + m.positions + ` (
			stream text NOT NULL,
			shard text NOT NULL,
			sequence_number text NOT NULL,
			subsequence_number bigint NOT NULL,
			PRIMARY KEY (stream, shard)
		)`,
		`CREATE TABLE IF NOT EXISTS ` + m.rejects + ` (
			stream text NOT NULL,
			shard text NOT NULL,
			sequence_number text NOT NULL,
			subsequence_number bigint NOT NULL,
			reason text NOT NULL,
			rejected_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (stream, shard, sequence_number, subsequence_number)
		)`,
	}
}

// lock takes the shard's row lock for the rest of tx and returns its
// high-water mark (ok false when nothing was loaded from the shard yet).
func (m manifest) lock(ctx context.Context, tx pgx.Tx, stream, shard string) (mark position, ok bool, err error) {
	// Insert a placeholder first so that there is a row to lock even for a
	// shard's first batch; the empty sequence number means "none yet".
	if _, err := tx.Exec(ctx, `INSERT INTO `+m.positions+` (stream, shard, sequence_number, subsequence_number)
		VALUES ($1, $2, '', 0) ON CONFLICT DO NOTHING`, stream, shard); err != nil {
		return position{}, false, err
	}
	err = tx.QueryRow(ctx, `SELECT sequence_number, subsequence_number FROM `+m.positions+`
		WHERE stream = $1 AND shard = $2 FOR UPDATE`, stream, shard).Scan(&mark.seq, &mark.sub)
	if err != nil {
		return position{}, false, err
	}
	if mark.seq == "" {
		return position{}, false, nil
	}
	if !validSequenceNumber(mark.seq) {
		return position{}, false, fmt.Errorf("pgsink: %s holds an invalid sequence number %q for shard %s of stream %s",
			m.positions, mark.seq, shard, stream)
	}
	return mark, true, nil
}

// rejected returns which of the given positions are recorded as rejected.
func (m manifest) rejected(ctx context.Context, tx pgx.Tx, stream, shard string, ps []position) (map[position]bool, error) {
	seqs := make([]string, len(ps))
	for i, p := range ps {
		seqs[i] = p.seq
	}
	rows, err := tx.Query(ctx, `SELECT sequence_number, subsequence_number FROM `+m.rejects+`
		WHERE stream = $1 AND shard = $2 AND sequence_number = ANY($3)`, stream, shard, seqs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[position]bool)
	for rows.Next() {
		var p position
		if err := rows.Scan(&p.seq, &p.sub); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// rejection is an entry to record in the rejects table.
type rejection struct {
	pos    position
	reason string
}

// record writes the outcome of a load: the manifest row, the new mark, the
// rejected entries, and the removal of formerly rejected entries that are
// now loaded.
func (m manifest) record(ctx context.Context, tx pgx.Tx, stream, shard string, first, last, mark position,
	loaded, skipped int, rejects []rejection, unrejected []position) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO `+m.batches+` (stream, shard, first_sequence_number, first_subsequence_number,
		last_sequence_number, last_subsequence_number, loaded, skipped, rejected)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		stream, shard, first.seq, first.sub, last.seq, last.sub, loaded, skipped, len(rejects))
	b.Queue(`UPDATE `+m.positions+` SET sequence_number = $3, subsequence_number = $4
		WHERE stream = $1 AND shard = $2`, stream, shard, mark.seq, mark.sub)
	for _, r := range rejects {
		b.Queue(`INSERT INTO `+m.rejects+` (stream, shard, sequence_number, subsequence_number, reason)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (stream, shard, sequence_number, subsequence_number)
			DO UPDATE SET reason = EXCLUDED.reason, rejected_at = now()`,
			stream, shard, r.pos.seq, r.pos.sub, r.reason)
	}
	for _, p := range unrejected {
		b.Queue(`DELETE FROM `+m.rejects+` WHERE stream = $1 AND shard = $2
			AND sequence_number = $3 AND subsequence_number = $4`, stream, shard, p.seq, p.sub)
	}
	return tx.SendBatch(ctx, b).Close()
}
