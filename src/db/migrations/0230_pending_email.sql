-- A new address waits here until a link sent to it is opened: the account's address changes
-- only then, and the form answers the same whether or not the address belongs to someone else.
alter table users add column pending_email text check (length(pending_email) <= 320);

alter table user_tokens drop constraint if exists user_tokens_purpose_check;
alter table user_tokens add constraint user_tokens_purpose_check
  check (purpose in ('verify_email', 'reset_password', 'change_email'));
