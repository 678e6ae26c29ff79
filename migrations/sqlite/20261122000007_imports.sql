-- CSV imports from the UI: the file is kept between the check and the confirmed import (and
-- cleared after), with what the check found and what the import did.
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    status TEXT NOT NULL,
    content TEXT NOT NULL,
    rows_total BIGINT NOT NULL,
    header_json TEXT NOT NULL,
    preview_json TEXT NOT NULL,
    errors_json TEXT NOT NULL,
    error_count BIGINT NOT NULL,
    message TEXT,
    summary TEXT,
    created_by BIGINT NOT NULL REFERENCES staff_users (id),
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX imports_created_idx ON imports (created_at);
