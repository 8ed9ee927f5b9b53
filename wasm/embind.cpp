// The C++ API itself in JavaScript, through Embind (wasm-eventsource/embind): sse::Parser as
// sse.Parser and sse::EventSink as sse.EventSink, which a JavaScript object implements
// (`sse.EventSink.implement({ onEvent(event) {…} })`, Embind's allow_subclass), so that code
// written against the C++ header reads the same in JavaScript. Every callback crosses into
// JavaScript on its own and every event is an object: for throughput use the batch C ABI
// (wasm/binding.cpp, createParser). js/src/embind.js wraps this module: it keeps a sink's
// exceptions from unwinding through the parser and checks what JavaScript passes.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sse/parser.hpp"

using emscripten::val;

namespace {

// Texts reach JavaScript as strings of their UTF-8 (std::string's binding keeps NUL bytes).
val text(std::string_view bytes) { return val(std::string(bytes)); }

val event_object(const sse::Event& event) {
  val object = val::object();
  object.set("type", text(event.type));
  object.set("data", text(event.data));
  object.set("lastEventId", text(event.last_event_id));
  object.set("typeSet", event.type_set);
  object.set("idSet", event.id_set);
  return object;
}

val ignored_field_object(const sse::IgnoredField& field) {
  val object = val::object();
  object.set("reason", field.reason);
  object.set("name", text(field.name));
  object.set("value", text(field.value));
  object.set("line", text(field.line));
  return object;
}

// An sse.EventSink implemented in JavaScript: each callback calls the method of that name.
// The ones it leaves out are the base class's, which do nothing (as in C++).
struct EventSinkWrapper : emscripten::wrapper<sse::EventSink> {
  EMSCRIPTEN_WRAPPER(EventSinkWrapper);
  void on_event(const sse::Event& event) override { call<void>("onEvent", event_object(event)); }
  void on_retry(std::uint64_t milliseconds) override { call<void>("onRetry", static_cast<double>(milliseconds)); }
  void on_id(std::string_view id) override { call<void>("onId", text(id)); }
  void on_id_buffer(std::string_view buffer) override { call<void>("onIdBuffer", text(buffer)); }
  void on_comment(std::string_view comment) override { call<void>("onComment", text(comment)); }
  void on_ignored_field(const sse::IgnoredField& field) override {
    call<void>("onIgnoredField", ignored_field_object(field));
  }
  void on_error(sse::ParseError error, std::string_view message) override {
    call<void>("onError", error, text(message));
  }
};

template <typename Enum>
Enum enum_option(const val& value, std::string_view name, Enum first, Enum second, const char* first_name,
                 const char* second_name) {
  if (value.isString()) {
    const std::string text = value.as<std::string>();
    if (text == first_name) return first;
    if (text == second_name) return second;
    val::global("TypeError").new_(std::string("sse.Parser: unknown ") + std::string(name) + " '" + text + "'").throw_();
  }
  return value.as<Enum>();
}

// new sse.Parser(sink, { maxBufferedBytes, onLimit, defaultReconnectionTimeMs, emptyRetry,
// reportComments, reportIgnoredFields }): ParserOptions by their JavaScript names.
sse::ParserOptions parser_options(const val& options) {
  sse::ParserOptions parsed;
  if (options.isUndefined() || options.isNull()) return parsed;
  if (const val v = options["maxBufferedBytes"]; !v.isUndefined()) parsed.max_buffered_bytes = v.as<std::size_t>();
  if (const val v = options["onLimit"]; !v.isUndefined()) {
    parsed.on_limit = enum_option(v, "onLimit", sse::LimitAction::stop, sse::LimitAction::skip_event, "stop", "skip_event");
  }
  if (const val v = options["defaultReconnectionTimeMs"]; !v.isUndefined()) {
    parsed.default_reconnection_time_ms = static_cast<std::uint64_t>(v.as<double>());
  }
  if (const val v = options["emptyRetry"]; !v.isUndefined()) {
    parsed.empty_retry = enum_option(v, "emptyRetry", sse::EmptyRetry::reset_to_default, sse::EmptyRetry::ignore,
                                     "reset_to_default", "ignore");
  }
  if (const val v = options["reportComments"]; !v.isUndefined()) parsed.report_comments = v.as<bool>();
  if (const val v = options["reportIgnoredFields"]; !v.isUndefined()) parsed.report_ignored_fields = v.as<bool>();
  return parsed;
}

// sse::Parser as JavaScript holds it. (The sink must outlive the parser: delete the parser first.)
class Parser {
 public:
  Parser(sse::EventSink& sink, const val& options) : parser_(sink, parser_options(options)) {}
  void feed(const std::string& bytes) { parser_.feed(bytes); }
  void reset() { parser_.reset(); }
  std::string last_event_id() const { return std::string(parser_.last_event_id()); }
  std::string last_event_id_buffer() const { return std::string(parser_.last_event_id_buffer()); }
  double reconnection_time() const { return static_cast<double>(parser_.reconnection_time()); }
  sse::ParseError error() const { return parser_.error(); }
  void set_last_event_id(const std::string& id) { parser_.set_last_event_id(id); }

 private:
  sse::Parser parser_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(sse) {
  using emscripten::optional_override;

  emscripten::enum_<sse::ParseError>("ParseError")
      .value("none", sse::ParseError::none)
      .value("buffer_limit", sse::ParseError::buffer_limit);
  emscripten::enum_<sse::LimitAction>("LimitAction")
      .value("stop", sse::LimitAction::stop)
      .value("skip_event", sse::LimitAction::skip_event);
  emscripten::enum_<sse::EmptyRetry>("EmptyRetry")
      .value("reset_to_default", sse::EmptyRetry::reset_to_default)
      .value("ignore", sse::EmptyRetry::ignore);
  emscripten::enum_<sse::IgnoredField::Reason>("IgnoredFieldReason")
      .value("unknown_name", sse::IgnoredField::Reason::unknown_name)
      .value("invalid_retry", sse::IgnoredField::Reason::invalid_retry)
      .value("id_with_nul", sse::IgnoredField::Reason::id_with_nul);

  // The base class's methods are the callbacks a JavaScript sink leaves out: they do nothing.
  emscripten::class_<sse::EventSink>("EventSink")
      .allow_subclass<EventSinkWrapper>("EventSinkWrapper")
      .function("onEvent", optional_override([](sse::EventSink&, val) {}))
      .function("onRetry", optional_override([](sse::EventSink&, double) {}))
      .function("onId", optional_override([](sse::EventSink&, val) {}))
      .function("onIdBuffer", optional_override([](sse::EventSink&, val) {}))
      .function("onComment", optional_override([](sse::EventSink&, val) {}))
      .function("onIgnoredField", optional_override([](sse::EventSink&, val) {}))
      .function("onError", optional_override([](sse::EventSink&, sse::ParseError, val) {}));

  emscripten::class_<Parser>("Parser")
      .constructor<sse::EventSink&, val>()
      .function("feed", &Parser::feed)
      .function("reset", &Parser::reset)
      .function("lastEventId", &Parser::last_event_id)
      .function("lastEventIdBuffer", &Parser::last_event_id_buffer)
      .function("reconnectionTime", &Parser::reconnection_time)
      .function("error", &Parser::error)
      .function("setLastEventId", &Parser::set_last_event_id);

  emscripten::constant("kDefaultMaxBufferedBytes", static_cast<double>(sse::ParserOptions::kDefaultMaxBufferedBytes));
  emscripten::constant("kDefaultReconnectionTimeMs", static_cast<double>(sse::ParserOptions::kDefaultReconnectionTimeMs));
}
