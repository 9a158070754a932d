// RelayOptions from the environment (see relay_options.hpp).
#include "relay_options.hpp"

#include "webhook_signature.hpp"

namespace phonebill::outbox {

RelayOptions RelayOptions::from_environment(const Environment& environment) {
  RelayOptions options;
  auto url = environment.get("PHONEBILL_MVNO_AP_URL");
  if (!url || url->empty()) return options;
  auto parsed = parse_base_url(*url, BaseUrlRules{.allow_path = true});
  if (!parsed)
    throw ConfigError{"PHONEBILL_MVNO_AP_URL must be an http:// base URL (" +
                      parsed.error().message() + ")"};
  options.receiver = *parsed;
  options.receiver_path = parsed->path + "/events";
  options.secrets = parse_secret_list(environment.string("PHONEBILL_MVNO_AP_SECRETS", ""));
  if (options.secrets.empty())
    throw ConfigError{
        "PHONEBILL_MVNO_AP_SECRETS must hold at least one signing secret when "
        "PHONEBILL_MVNO_AP_URL is set"};
  auto duration = [&](const char* name, std::chrono::milliseconds fallback) {
    return environment.milliseconds(name, fallback, std::chrono::milliseconds{1},
                                    std::chrono::milliseconds{30LL * 86'400'000});
  };
  options.batch = int(environment.integer("PHONEBILL_OUTBOX_BATCH", options.batch, 1, 1000));
  options.concurrency =
      int(environment.integer("PHONEBILL_OUTBOX_CONCURRENCY", options.concurrency, 1, 256));
  options.poll_interval = duration("PHONEBILL_OUTBOX_POLL_MS", options.poll_interval);
  options.post_timeout = duration("PHONEBILL_OUTBOX_POST_TIMEOUT_MS", options.post_timeout);
  options.lease = duration("PHONEBILL_OUTBOX_LEASE_MS", options.lease);
  options.backoff_base = duration("PHONEBILL_OUTBOX_BACKOFF_BASE_MS", options.backoff_base);
  options.backoff_max = duration("PHONEBILL_OUTBOX_BACKOFF_MAX_MS", options.backoff_max);
  options.dead_after = duration("PHONEBILL_OUTBOX_DEAD_AFTER_MS", options.dead_after);
  options.retention = duration("PHONEBILL_OUTBOX_RETENTION_MS", options.retention);
  // A lease shorter than a POST could let a second relay send an event still in flight.
  if (options.lease < 2 * options.post_timeout)
    throw ConfigError{
        "PHONEBILL_OUTBOX_LEASE_MS must be at least twice PHONEBILL_OUTBOX_POST_TIMEOUT_MS"};
  if (options.backoff_max < options.backoff_base)
    throw ConfigError{
        "PHONEBILL_OUTBOX_BACKOFF_MAX_MS must be at least PHONEBILL_OUTBOX_BACKOFF_BASE_MS"};
  return options;
}

}  // namespace phonebill::outbox
