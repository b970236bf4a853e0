-- The per-workspace places of the fairness gates (TURNS_PER_WORKSPACE, ANONYMOUS_PER_WORKSPACE;
-- issue #11) shared by every server process on one PostgreSQL, so that the cap holds across
-- processes rather than per process. A place is a row (gate, key, slot < the cap) held by one
-- process until it gives it back or its lease ends: a process that dies holding places loses
-- them after the lease (the holder renews its leases while it holds them). Infrastructure,
-- not tenant data: written only by src/platform/fairness.ts as the connecting role, outside
-- any tenant transaction, and held by no transaction while the work runs (a model call holds
-- a place, never a connection).
create table app.fairness_places (
  gate text not null check (gate in ('turns', 'anonymous')),
  place_key text not null check (length(place_key) between 1 and 100),
  slot integer not null check (slot >= 0),
  holder text not null,
  expires_at timestamptz not null,
  primary key (gate, place_key, slot)
);
create index idx_fairness_places_holder on app.fairness_places (holder);
revoke all on app.fairness_places from public;
