// One upstream: instance choice, passive ejection, health state and its breaker.
#include "upstream.hpp"

#include "core/log.hpp"

namespace phonebill::gateway {

UpstreamInstance::UpstreamInstance(boost::asio::io_context& io, InstanceAddress address,
                                   std::size_t pool_size)
    : address_(std::move(address)),
      label_(address_.label()),
      client_(io, http::ClientOptions{address_.host, address_.port, pool_size}) {}

Upstream::Upstream(boost::asio::io_context& io, const UpstreamSettings& settings,
                   const HealthSettings& health, const resilience::CircuitBreakerOptions& breaker,
                   const Clock& clock, resilience::BreakerListener listener)
    : name_(settings.name),
      timeout_(settings.timeout),
      health_(health),
      clock_(clock),
      breaker_("upstream." + settings.name, breaker, clock, std::move(listener)) {
  for (const auto& address : settings.instances)
    instances_.push_back(
        std::make_unique<UpstreamInstance>(io, address, health.max_idle_connections));
}

bool Upstream::usable(const UpstreamInstance& instance, SteadyTime now) const {
  return instance.healthy_ && now >= instance.ejected_until_;
}

UpstreamInstance* Upstream::pick(const UpstreamInstance* exclude) {
  auto now = clock_.steady_now();
  std::lock_guard lock{mutex_};
  const std::size_t count = instances_.size();
  if (count == 0) return nullptr;
  UpstreamInstance* best = nullptr;
  UpstreamInstance* fallback = nullptr;  // panic mode: any instance but `exclude`
  int best_load = 0;
  std::size_t start = cursor_++;
  for (std::size_t step = 0; step < count; ++step) {
    auto* candidate = instances_[(start + step) % count].get();
    if (candidate == exclude) continue;
    if (fallback == nullptr) fallback = candidate;
    if (!usable(*candidate, now)) continue;
    int load = candidate->in_flight_.load(std::memory_order_relaxed);
    if (best == nullptr || load < best_load) {
      best = candidate;
      best_load = load;
    }
  }
  if (best != nullptr) return best;
  if (fallback != nullptr) return fallback;
  return count == 1 ? instances_[0].get() : nullptr;
}

void Upstream::report_result(UpstreamInstance& instance, bool failed) {
  bool ejected = false;
  {
    std::lock_guard lock{mutex_};
    ++instance.requests_;
    if (!failed) {
      instance.consecutive_failures_ = 0;
      return;
    }
    ++instance.failures_;
    if (++instance.consecutive_failures_ >= health_.passive_failures_to_eject) {
      auto now = clock_.steady_now();
      ejected = now >= instance.ejected_until_;
      instance.ejected_until_ = now + health_.ejection_time;
    }
  }
  if (ejected)
    log::warn("upstream_ejected", {{"upstream", name_},
                                   {"instance", instance.label()},
                                   {"forMs", health_.ejection_time.count()}});
}

void Upstream::report_health(UpstreamInstance& instance, bool ready) {
  bool changed = false;
  {
    std::lock_guard lock{mutex_};
    if (ready) {
      instance.failed_checks_ = 0;
      if (!instance.healthy_) {
        // Back after being down (a restart): serve it again at once.
        instance.healthy_ = true;
        instance.ejected_until_ = SteadyTime{};
        instance.consecutive_failures_ = 0;
        changed = true;
      }
    } else if (++instance.failed_checks_ >= health_.failures_to_mark_down && instance.healthy_) {
      instance.healthy_ = false;
      changed = true;
    }
  }
  if (changed)
    log::info("upstream_health",
              {{"upstream", name_}, {"instance", instance.label()}, {"healthy", ready}});
}

std::vector<InstanceSnapshot> Upstream::snapshot() const {
  auto now = clock_.steady_now();
  std::lock_guard lock{mutex_};
  std::vector<InstanceSnapshot> result;
  for (const auto& instance : instances_) {
    result.push_back(InstanceSnapshot{instance->label_, instance->healthy_,
                                      now < instance->ejected_until_, instance->in_flight_.load(),
                                      instance->requests_, instance->failures_});
  }
  return result;
}

int Upstream::usable_instances() const {
  auto now = clock_.steady_now();
  std::lock_guard lock{mutex_};
  int usable_count = 0;
  for (const auto& instance : instances_) usable_count += usable(*instance, now) ? 1 : 0;
  return usable_count;
}

}  // namespace phonebill::gateway
