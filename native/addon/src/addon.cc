// N-API addon over libbpf: open and load a BPF object, attach its programs, read its maps.
// Every libbpf failure becomes a JS Error naming the object or program, libbpf's errno text,
// and the last lines libbpf logged (the verifier's verdict when a program is rejected).

#include <napi.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace {

// libbpf has one process-wide print callback. We keep its recent lines instead of letting it
// write to stderr, so that the error thrown to JS can quote them. Worker threads may share it,
// hence the mutex; their lines may then interleave, which only affects error text.
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

void ResetLog() {
  std::lock_guard<std::mutex> lock(log_mutex);
  log_lines.clear();
  log_partial.clear();
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

// what: "failed to load BPF object /x.bpf.o"; err: errno (either sign); hint: appended as is.
Napi::Error LibbpfError(Napi::Env env, const std::string& what, int err, const std::string& hint = "") {
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
  if (err == EPERM) return " (are you root?)";
  bool tracepoint = StartsWith(section, "tracepoint/") || StartsWith(section, "tp/");
  if (tracepoint && err == ENOENT && access("/sys/kernel/tracing/events", F_OK) != 0 &&
      access("/sys/kernel/debug/tracing/events", F_OK) != 0) {
    return " (tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing)";
  }
  return "";
}

class BpfObject : public Napi::ObjectWrap<BpfObject> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "BpfObject",
                       {
                           InstanceMethod<&BpfObject::Attach>("attach"),
                           InstanceMethod<&BpfObject::ReadArrayU64>("readArrayU64"),
                           InstanceMethod<&BpfObject::Close>("close"),
                           InstanceAccessor<&BpfObject::GetPath>("path"),
                           InstanceAccessor<&BpfObject::GetClosed>("closed"),
                       });
  }

  // new BpfObject(path): opens and loads the object (programs verified, maps created).
  explicit BpfObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BpfObject>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsString()) {
      throw Napi::TypeError::New(env, "BpfObject: path must be a string");
    }
    path_ = info[0].As<Napi::String>().Utf8Value();
    if (path_.empty()) throw Napi::TypeError::New(env, "BpfObject: path must not be empty");

    ResetLog();
    bpf_object* obj = bpf_object__open_file(path_.c_str(), nullptr);
    if (obj == nullptr) {
      int err = errno;
      throw LibbpfError(env, "failed to open BPF object " + path_, err);
    }
    int err = bpf_object__load(obj);
    if (err != 0) {
      // Take the log before closing: closing may log too and would bury the verifier's lines.
      Napi::Error error =
          LibbpfError(env, "failed to load BPF object " + path_, err, std::abs(err) == EPERM ? " (are you root?)" : "");
      bpf_object__close(obj);
      throw error;
    }
    obj_ = obj;
  }

  ~BpfObject() override { Release(); }

 private:
  // Attaches every program of the object where its SEC() says; all or nothing.
  Napi::Value Attach(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    if (!links_.empty()) throw Napi::Error::New(env, "programs of BPF object " + path_ + " are already attached");
    ResetLog();
    bpf_program* prog = nullptr;
    bpf_object__for_each_program(prog, obj_) {
      bpf_link* link = bpf_program__attach(prog);
      if (link == nullptr) {
        int err = errno;
        DestroyLinks();
        std::string section = bpf_program__section_name(prog);
        throw LibbpfError(env,
                          "failed to attach BPF program '" + std::string(bpf_program__name(prog)) + "' (SEC \"" +
                              section + "\") of " + path_,
                          err, AttachHint(section, err));
      }
      links_.push_back(link);
    }
    return env.Undefined();
  }

  // readArrayU64(mapName, index): a u64 value of a BPF_MAP_TYPE_ARRAY map, as a bigint.
  Napi::Value ReadArrayU64(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireOpen(env);
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) {
      throw Napi::TypeError::New(env, "readArrayU64(mapName: string, index: number)");
    }
    std::string name = info[0].As<Napi::String>().Utf8Value();
    double index = info[1].As<Napi::Number>().DoubleValue();
    bpf_map* map = bpf_object__find_map_by_name(obj_, name.c_str());
    if (map == nullptr) throw Napi::Error::New(env, "no map '" + name + "' in BPF object " + path_);
    if (bpf_map__type(map) != BPF_MAP_TYPE_ARRAY || bpf_map__value_size(map) != sizeof(uint64_t)) {
      throw Napi::Error::New(env, "map '" + name + "' of " + path_ + " is not an array of u64");
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
      throw LibbpfError(env, "failed to read map '" + name + "'[" + std::to_string(key) + "] of " + path_, err);
    }
    return Napi::BigInt::New(env, value);
  }

  // Detaches the programs and frees the object; calling it again is harmless.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  Napi::Value GetPath(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), path_); }

  Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), obj_ == nullptr); }

  void RequireOpen(Napi::Env env) const {
    if (obj_ == nullptr) throw Napi::Error::New(env, "BPF object " + path_ + " is closed");
  }

  void DestroyLinks() {
    for (bpf_link* link : links_) bpf_link__destroy(link);
    links_.clear();
  }

  // Also runs from the GC finalizer (destructor), so it must not touch JS.
  void Release() {
    DestroyLinks();
    if (obj_ != nullptr) {
      bpf_object__close(obj_);
      obj_ = nullptr;
    }
  }

  std::string path_;
  bpf_object* obj_ = nullptr;
  std::vector<bpf_link*> links_;
};

Napi::Value LibbpfVersion(const Napi::CallbackInfo& info) {
  // The runtime library's version, which is what actually loads the programs.
  std::string version = std::to_string(libbpf_major_version()) + "." + std::to_string(libbpf_minor_version());
  return Napi::String::New(info.Env(), version);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  libbpf_set_print(CollectLibbpfLog);
  exports.Set("libbpfVersion", Napi::Function::New<LibbpfVersion>(env, "libbpfVersion"));
  exports.Set("BpfObject", BpfObject::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(teleport_bpf, Init)
