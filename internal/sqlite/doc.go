// Package sqlite implements egdi.Store on an SQLite file (modernc.org/sqlite,
// pure Go, no cgo): the embedded default store of the egdi CLI.
//
// The database runs in WAL mode (readers never block the writer, and a
// killed writer leaves the last committed state), with foreign keys on
// (SQLite leaves them off by default, and scenario values and results rely
// on cascading deletes) and a busy timeout of 5 s: a second writer waits
// that long for the first, then fails with EBUSY. Write transactions begin
// IMMEDIATE, taking the write lock at BEGIN, so that two writers never
// deadlock upgrading read locks.
//
// The schema is created by the goose migrations embedded from migrations/.
// The first Open seeds the store with the built-in record it is given; an
// Open with a newer built-in release replaces the built-in rows and leaves
// user rows alone. Opening a store that is already migrated and seeded runs
// two small queries and nothing else, so that a CLI command stays fast.
package sqlite
