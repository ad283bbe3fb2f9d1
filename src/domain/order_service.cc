#include "domain/order_service.h"

#include <chrono>
#include <string>
#include <utility>

#include "common/log.h"
#include "domain/excerpt.h"
#include "domain/order_id.h"
#include "domain/order_validation.h"
#include "domain/storage_error.h"

namespace orderstream {
namespace {

// A compare-and-set loses only to a concurrent change of the same order; a few rounds settle it.
constexpr int kMaxStatusAttempts = 5;

Error storage_failure(const StorageError& e, std::string_view operation) {
  OS_LOG(kError) << "storage failure during " << operation << ": " << e.what();
  if (e.transient()) {
    return {ErrorCode::kUnavailable, "Storage is temporarily unavailable; retry later"};
  }
  return {ErrorCode::kInternal, "Internal storage error"};
}

Error deadline_passed() {
  return {ErrorCode::kDeadlineExceeded,
          "The call's deadline passed before the database answered; nothing was changed by the "
          "unfinished step: retry with a longer deadline"};
}

// Runs a store call, turning infrastructure failures into the client-facing Error. A deadline
// that has passed already runs nothing.
template <typename F>
auto guarded(std::string_view operation, const Deadline& deadline, F&& body) -> decltype(body()) {
  if (deadline.expired()) return deadline_passed();
  try {
    return body();
  } catch (const DeadlineExceededError& e) {
    OS_LOG(kDebug) << operation << " stopped at the caller's deadline: " << e.what();
    return deadline_passed();
  } catch (const StorageError& e) {
    return storage_failure(e, operation);
  }
}

}  // namespace

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

OrderService::OrderService(OrderStore& store, EventPublisher& publisher, Clock now_ms)
    : store_(store), publisher_(publisher), now_ms_(std::move(now_ms)) {}

Result<Order> OrderService::create_order(NewOrder request, const Deadline& deadline) {
  if (auto invalid = invalid_order_error(request)) return std::move(*invalid);
  std::vector<NewOrder> one;
  one.push_back(std::move(request));
  return std::move(create_validated(std::move(one), deadline).front());
}

std::vector<Result<Order>> OrderService::create_validated(std::vector<NewOrder> requests,
                                                          const Deadline& deadline) {
  std::vector<std::optional<Result<Order>>> answers(requests.size());
  std::vector<bool> drawn(requests.size());
  std::vector<std::size_t> open;  // requests still without an answer, in order
  open.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    drawn[i] = requests[i].id.empty();
    open.push_back(i);
  }
  for (int draw = 0; draw < kMaxIdDraws && !open.empty(); ++draw) {
    std::vector<NewOrder> batch;
    batch.reserve(open.size());
    for (const std::size_t i : open) {
      if (drawn[i]) {
        requests[i].id = generate_order_id();
        batch.push_back(requests[i]);  // kept for a redraw, however unlikely
      } else {
        batch.push_back(std::move(requests[i]));  // answered by this commit, whatever it finds
      }
    }
    auto outcomes = create_orders(std::move(batch), deadline);
    if (!outcomes) {
      for (const std::size_t i : open) answers[i] = outcomes.error();
      open.clear();
      break;
    }
    std::vector<std::size_t> collided;
    for (std::size_t k = 0; k < open.size(); ++k) {
      const std::size_t i = open[k];
      CreateOutcome& outcome = outcomes.value()[k];
      if (drawn[i] && outcome.kind != CreateOutcome::Kind::kCreated) {
        collided.push_back(i);
      } else if (outcome.kind == CreateOutcome::Kind::kConflict) {
        answers[i] = Error{
            ErrorCode::kAlreadyExists,
            "Order " + outcome.order.id + " already exists with a different customer_id or total"};
      } else {
        answers[i] = std::move(outcome.order);
      }
    }
    open = std::move(collided);
  }
  for (const std::size_t i : open) {
    answers[i] = Error{ErrorCode::kUnavailable, "Could not assign a free order id; retry"};
  }
  std::vector<Result<Order>> results;
  results.reserve(answers.size());
  for (auto& answer : answers) results.push_back(std::move(*answer));
  return results;
}

Result<std::vector<CreateOutcome>> OrderService::create_orders(std::vector<NewOrder> orders,
                                                               const Deadline& deadline) {
  for (auto& order : orders) {
    if (order.id.empty()) order.id = generate_order_id();
  }
  return guarded("create orders", deadline, [&]() -> Result<std::vector<CreateOutcome>> {
    auto outcomes = store_.create_orders(std::move(orders), now_ms_(), deadline);
    publisher_.publish_created(outcomes);
    return outcomes;
  });
}

Result<Order> OrderService::update_status(std::string_view order_id, std::string_view status,
                                          const Deadline& deadline) {
  if (auto invalid = invalid_id_error("order_id", order_id)) return std::move(*invalid);
  const auto target = parse_order_status(status);
  if (!target) {
    return Error{ErrorCode::kInvalidArgument,
                 "Unknown status '" + excerpt(status) +
                     "': expected CREATED, SHIPPED, DELIVERED or CANCELLED"};
  }
  const std::string id(order_id);
  return guarded("update status", deadline, [&]() -> Result<Order> {
    for (int attempt = 0; attempt < kMaxStatusAttempts; ++attempt) {
      auto current = store_.find_order(id, deadline);
      if (!current) return Error{ErrorCode::kNotFound, "Order " + id + " not found"};
      if (current->status == *target) return std::move(*current);
      if (!is_transition_allowed(current->status, *target)) {
        return Error{ErrorCode::kFailedPrecondition,
                     "Order " + id + " is " + std::string(to_string(current->status)) +
                         " and cannot become " + std::string(to_string(*target))};
      }
      auto outcome =
          store_.compare_and_set_status(id, current->status, *target, now_ms_(), deadline);
      switch (outcome.kind) {
        case StatusChangeOutcome::Kind::kChanged:
          publisher_.publish({&outcome.event, 1});
          return std::move(outcome.order);
        case StatusChangeOutcome::Kind::kNotFound:
          return Error{ErrorCode::kNotFound, "Order " + id + " not found"};
        case StatusChangeOutcome::Kind::kStale:
          continue;
      }
    }
    return Error{ErrorCode::kUnavailable, "Order " + id + " is changing concurrently; retry"};
  });
}

Result<std::optional<Order>> OrderService::find_order(std::string_view order_id,
                                                      const Deadline& deadline) {
  return guarded("find order", deadline, [&]() -> Result<std::optional<Order>> {
    return store_.find_order(order_id, deadline);
  });
}

Result<std::vector<OrderEvent>> OrderService::history_page(const EventRange& range, bool first_page,
                                                           const Deadline& deadline) {
  return guarded("read history", deadline, [&]() -> Result<std::vector<OrderEvent>> {
    auto page = store_.customer_events(range, deadline);
    if (!first_page || !page.empty()) return page;
    // An empty whole history already says the customer has no event; a narrower range asks.
    const bool whole_history = range.order_id.empty() && range.after_sequence <= 0 &&
                               range.before_sequence == EventRange{}.before_sequence &&
                               range.limit > 0;
    if (!whole_history &&
        !store_.customer_events(EventRange::of_customer(range.customer_id).with_limit(1), deadline)
             .empty()) {
      return page;
    }
    return Error{ErrorCode::kNotFound, "User " + std::string(range.customer_id) + " not found"};
  });
}

Result<std::optional<MissedEvents>> OrderService::order_events_after(std::string_view order_id,
                                                                     int64_t after_sequence,
                                                                     const Deadline& deadline) {
  using Missed = std::optional<MissedEvents>;
  return guarded("read order events", deadline, [&]() -> Result<Missed> {
    auto order = store_.find_order(order_id, deadline);
    if (!order) return Missed{};
    // Bounded by the order's last event as read now: a later one is committed after the
    // watcher subscribed, so the event hub delivers it.
    EventRange range = EventRange::of_customer(order->customer_id)
                           .with_order(order->id)
                           .with_after(after_sequence)
                           .with_before(order->sequence + 1)
                           .with_oldest_first()
                           .with_limit(16);
    std::vector<OrderEvent> missed;
    for (;;) {
      auto page = store_.customer_events(range, deadline);
      const bool last_page = page.size() < range.limit;
      if (!page.empty()) range.after_sequence = page.back().sequence;
      for (auto& event : page) missed.push_back(std::move(event));
      if (last_page) return Missed{MissedEvents{std::move(*order), std::move(missed)}};
    }
  });
}

}  // namespace orderstream
