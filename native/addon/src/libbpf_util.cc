#include "libbpf_util.h"

#include <bpf/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <vector>

namespace teleport {

namespace {

// libbpf has one process-wide print callback. We keep its recent lines instead of letting it
// write to stderr, so that the error thrown to JS can quote them. The poller threads may log
// too, hence the mutex; their lines may then interleave, which only affects error text.
constexpr size_t kKeptLogLines = 256;
constexpr size_t kQuotedLogLines = 20;

std::mutex log_mutex;
std::deque<std::string> log_lines;
std::string log_partial;  // text after the last newline; libbpf may finish a line in a later call

void AppendLogText(const std::string& text) {
  std::lock_guard<std::mutex> lock(log_mutex);
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      log_partial += text.substr(start);
      break;
    }
    std::string line = log_partial + text.substr(start, nl - start);
    log_partial.clear();
    if (!line.empty()) log_lines.push_back(std::move(line));
    start = nl + 1;
  }
  while (log_lines.size() > kKeptLogLines) log_lines.pop_front();
}

int CollectLibbpfLog(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  va_list measure;
  va_copy(measure, args);
  int size = vsnprintf(nullptr, 0, format, measure);
  va_end(measure);
  if (size <= 0) return 0;
  // The verifier log arrives as one call of many kilobytes, so size the buffer to fit.
  std::string text(static_cast<size_t>(size) + 1, '\0');
  vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<size_t>(size));
  AppendLogText(text);
  return size;
}

std::vector<std::string> TakeLog() {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::vector<std::string> out(log_lines.begin(), log_lines.end());
  if (!log_partial.empty()) out.push_back(log_partial);
  log_lines.clear();
  log_partial.clear();
  return out;
}

std::string ErrnoText(int err) {
  char buf[256];
  // libbpf_strerror also knows libbpf's own codes (LIBBPF_ERRNO__*), e.g. for a bad ELF file.
  libbpf_strerror(err, buf, sizeof buf);
  return buf;
}

}  // namespace

void InstallLibbpfLog() { libbpf_set_print(CollectLibbpfLog); }

void ResetLog() {
  std::lock_guard<std::mutex> lock(log_mutex);
  log_lines.clear();
  log_partial.clear();
}

Napi::Error LibbpfError(Napi::Env env, const std::string& what, int err, const std::string& hint) {
  err = std::abs(err);
  std::string message = what + ": " + ErrnoText(err) + hint;
  std::vector<std::string> log = TakeLog();
  size_t first = log.size() > kQuotedLogLines ? log.size() - kQuotedLogLines : 0;
  Napi::Array log_array = Napi::Array::New(env, log.size());
  for (size_t i = 0; i < log.size(); i++) {
    log_array.Set(static_cast<uint32_t>(i), log[i]);
    if (i >= first) message += "\n  " + log[i];
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("libbpfLog", log_array);
  return error;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// libbpf resolves tracepoint ids through tracefs; a system without it mounted fails with ENOENT.
std::string AttachHint(const std::string& section, int err) {
  err = std::abs(err);
  if (err == EPERM) return " (are you root?)";
  bool tracepoint = StartsWith(section, "tracepoint/") || StartsWith(section, "tp/");
  if (tracepoint && err == ENOENT && access("/sys/kernel/tracing/events", F_OK) != 0 &&
      access("/sys/kernel/debug/tracing/events", F_OK) != 0) {
    return " (tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing)";
  }
  return "";
}

std::string LoadHint(int err) { return std::abs(err) == EPERM ? " (are you root?)" : ""; }

bpf_map* FindMap(Napi::Env env, bpf_object* obj, const std::string& owner, const std::string& name) {
  bpf_map* map = bpf_object__find_map_by_name(obj, name.c_str());
  if (map == nullptr) throw Napi::Error::New(env, "no map '" + name + "' in BPF object " + owner);
  return map;
}

Napi::Value ReadArrayU64(Napi::Env env, bpf_object* obj, const std::string& owner, const Napi::Value& name_arg,
                         const Napi::Value& index_arg) {
  if (!name_arg.IsString() || !index_arg.IsNumber()) {
    throw Napi::TypeError::New(env, "readArrayU64(mapName: string, index: number)");
  }
  std::string name = name_arg.As<Napi::String>().Utf8Value();
  double index = index_arg.As<Napi::Number>().DoubleValue();
  bpf_map* map = FindMap(env, obj, owner, name);
  if (bpf_map__type(map) != BPF_MAP_TYPE_ARRAY || bpf_map__value_size(map) != sizeof(uint64_t)) {
    throw Napi::Error::New(env, "map '" + name + "' of " + owner + " is not an array of u64");
  }
  uint32_t entries = bpf_map__max_entries(map);
  if (!(index >= 0 && index < entries) || index != static_cast<double>(static_cast<uint32_t>(index))) {
    throw Napi::RangeError::New(env, "index " + Napi::Number::New(env, index).ToString().Utf8Value() +
                                         " out of range for map '" + name + "' (" + std::to_string(entries) +
                                         " entries)");
  }
  uint32_t key = static_cast<uint32_t>(index);
  uint64_t value = 0;
  ResetLog();
  int err = bpf_map__lookup_elem(map, &key, sizeof key, &value, sizeof value, 0);
  if (err != 0) {
    throw LibbpfError(env, "failed to read map '" + name + "'[" + std::to_string(key) + "] of " + owner, err);
  }
  return Napi::BigInt::New(env, value);
}

}  // namespace teleport
