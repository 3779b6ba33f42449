// Schema migrations, applied in order; PRAGMA user_version records how many have run. Append only: a shipped
// migration is never edited, because gates in the field already ran it.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE outbox (
    sequence     INTEGER PRIMARY KEY,
    event_id     TEXT    NOT NULL UNIQUE,
    gate_id      TEXT    NOT NULL,
    occurred_at  TEXT    NOT NULL,
    event_json   TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER
  ) STRICT;
  CREATE INDEX outbox_pending ON outbox (sequence) WHERE delivered_at IS NULL;
  CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;

  -- The last sequence handed out per gate. Kept apart from the outbox rows so pruning never lets a number repeat.
  CREATE TABLE outbox_sequence (
    gate_id TEXT    PRIMARY KEY,
    last    INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE pass_usage (
    pass_id          TEXT    PRIMARY KEY,
    campus_day       INTEGER NOT NULL,
    first_passage_at INTEGER NOT NULL,
    last_passage_at  INTEGER NOT NULL,
    passages         INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX pass_usage_day ON pass_usage (campus_day);

  CREATE TABLE bundle_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    state_json TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE clock_state (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    last_trusted_epoch INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- Grants whose passage has not ended (ARCHITECTURE "The passage"). The row is written in the transaction that
  -- records the grant and deleted in the one that records its passage event, so a row left at start-up is a passage
  -- the agent never saw end (SIGKILL, power loss): the agent records it as interrupted. While it is open, its pass
  -- counts as used at the grant time (a second scan is not granted while the first person is in the turnstile).
  CREATE TABLE open_grant (
    scan_event_id TEXT    PRIMARY KEY,
    granted_at    INTEGER NOT NULL,
    pass_id       TEXT
  ) STRICT;
  CREATE INDEX open_grant_pass ON open_grant (pass_id) WHERE pass_id IS NOT NULL;
  `,
];
