-- The newest incidents' search texts in the order a search walks them, read from the index
-- alone: the walk of the newest incidents and the capped count of a term many of them hold
-- (a surname, one incident in twelve) read 300 and 12,000 narrow index entries here, where
-- they fetched each incident's wide row (a search's count read a tenth of the table at a
-- million customers). SQLite's trigram text index counts such terms itself.
CREATE INDEX incidents_newest_text_idx ON incidents (detected_at DESC, id DESC) INCLUDE (search_text);
