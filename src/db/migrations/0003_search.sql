-- The in-process keyword index follows the papers table by modification time: each search asks
-- for rows changed since its watermark, which this index keeps to a short range scan.
create index if not exists papers_modified_idx on papers (modified_at);
