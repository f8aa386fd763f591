-- Which authorKey (src/authors/names.ts) the stored author keys were made with. Keys of older
-- versions (braced TeX accents like G{\"a}hler, TeX letters like {\O}, and Ø, Æ, ß, Ł unfolded)
-- are rebuilt by the author store's next sync, papers' and follows' alike.
alter table paper_authors_sync add column key_version integer not null default 0;
