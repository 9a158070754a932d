// bill-inquiry's settings: the common server, database and Redis variables, KOS's base
// URL (PHONEBILL_UPSTREAM_KOS_SIM), auth's JWKS (PHONEBILL_UPSTREAM_AUTH), the token
// settings, the KOS resilience settings (PHONEBILL_KOS_*) and PHONEBILL_BILL_* (cache
// TTLs, the in-process near cache, Redis deadline, group commit). Reference: docs/bill-inquiry.md. Entry: load.
#pragma once
#include <chrono>
#include <string>

#include "core/config.hpp"
#include "group_commit_writer.hpp"
#include "http/server_options.hpp"
#include "kos/http_kos_options.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "outbox/relay_options.hpp"
#include "near_bill_cache.hpp"
#include "redis_bill_cache.hpp"
#include "security/jwks_options.hpp"
#include "security/token_verifier_options.hpp"

namespace phonebill::bill {

struct BillConfig {
  http::ServerOptions server;
  std::string database_url;  // contains a password: never log it
  std::size_t database_pool_size = 8;
  std::string migrations_directory = "db/bill";
  std::string redis_url = "redis://127.0.0.1:56379";
  std::string log_level = "info";
  kos::HttpKosOptions kos;
  // PHONEBILL_KOS_* and, for bill fetches, the queue in front of the KOS bulkhead:
  // PHONEBILL_BILL_KOS_{CONCURRENCY,QUEUE,QUEUE_WAIT_MS} (resilience.queues).
  kos::KosResilienceOptions resilience;
  security::HttpJwksOptions jwks;
  security::TokenVerifierOptions verifier;
  CachePolicy cache;
  NearCachePolicy near_cache;  // PHONEBILL_BILL_NEAR_CACHE_{MS,ENTRIES}
  HistoryPolicy history;
  outbox::RelayOptions outbox;  // PHONEBILL_MVNO_AP_*, PHONEBILL_OUTBOX_* (docs/events.md)
  // The data-key ring (crypto/data_keys.hpp): PHONEBILL_DATA_KEYS, else the files under
  // PHONEBILL_DATA_KEYS_DIR or <PHONEBILL_SECRETS_DIR>/data-keys, auth's. Only a local
  // run (PHONEBILL_ENVIRONMENT=local) creates a ring when there is none.
  std::string secrets_directory = ".run/secrets";
  bool creates_data_keys = false;

  // Throws ConfigError naming the bad variable.
  static BillConfig load(const Environment& environment);
};

}  // namespace phonebill::bill
