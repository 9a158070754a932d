// KOS's legacy envelope {success, resultCode, resultMessage, data, timestamp, traceId}
// (codec.hpp): built by kos-sim for every answer, parsed by the KOS clients.
#include "core/seoul_time.hpp"
#include "kos/codec.hpp"
#include "kos/codec_support.hpp"

namespace phonebill::kos {

using detail::ErrorMark;
using detail::ObjectReader;

Envelope make_envelope(KosResultCode code, boost::json::value data, SystemTime now,
                       std::string trace_id, std::string message) {
  Envelope envelope;
  envelope.success = code == KosResultCode::kSuccess;
  envelope.result_code = code;
  envelope.result_message =
      message.empty() ? std::string{default_message(code)} : std::move(message);
  envelope.data = std::move(data);
  envelope.timestamp = iso8601_seoul(now);
  envelope.trace_id = std::move(trace_id);
  return envelope;
}

Envelope make_invalid_request_envelope(const FieldErrors& errors, SystemTime now,
                                       std::string trace_id) {
  return make_envelope(KosResultCode::kInvalidRequest,
                       boost::json::object{{"errors", errors.to_json()}}, now, std::move(trace_id));
}

boost::json::object to_json(const Envelope& envelope) {
  return {{"success", envelope.success},
          {"resultCode", to_text(envelope.result_code)},
          {"resultMessage", envelope.result_message},
          {"data", envelope.data},
          {"timestamp", envelope.timestamp},
          {"traceId", envelope.trace_id}};
}

std::optional<Envelope> parse_envelope(const boost::json::value& body, FieldErrors& errors) {
  ErrorMark mark{errors};
  ObjectReader reader{body, errors};
  if (!reader.valid()) return std::nullopt;
  Envelope envelope;
  auto success = reader.boolean("success");
  auto code_text = reader.string("resultCode");
  std::optional<KosResultCode> code;
  if (code_text) {
    code = parse_result_code(*code_text);
    if (!code) reader.add_error("resultCode", "must be a known KOS result code");
  }
  if (success && code && *success != (*code == KosResultCode::kSuccess))
    reader.add_error("success", "must be true exactly when resultCode is 0000");
  envelope.result_message = reader.string("resultMessage", Presence::kOptional).value_or("");
  envelope.timestamp = reader.string("timestamp", Presence::kOptional).value_or("");
  envelope.trace_id = reader.string("traceId", Presence::kOptional).value_or("");
  if (auto* data = reader.value("data", Presence::kOptional)) envelope.data = *data;
  if (!mark.clean()) return std::nullopt;
  envelope.success = *success;
  envelope.result_code = *code;
  return envelope;
}

}  // namespace phonebill::kos
