// The layouts of native/bpf/common.h as the C++ compiler sees them, for the test that checks
// src/bpf/records.ts against them.
#include <linux/types.h>

#include <cstddef>

#include "../../bpf/common.h"
#include "engine.h"

namespace teleport {

namespace {

struct Field {
  const char* name;
  size_t offset;
};

void AddStruct(Napi::Env env, Napi::Object out, const char* name, size_t size, std::initializer_list<Field> fields) {
  Napi::Object offsets = Napi::Object::New(env);
  for (const Field& f : fields) offsets.Set(f.name, Napi::Number::New(env, static_cast<double>(f.offset)));
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("size", Napi::Number::New(env, static_cast<double>(size)));
  layout.Set("offsets", offsets);
  out.Set(name, layout);
}

}  // namespace

#define F(type, field) \
  Field { #field, offsetof(type, field) }

Napi::Value RecordLayout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  AddStruct(env, out, "session_info", sizeof(session_info),
            {F(session_info, session_key), F(session_info, kinds), F(session_info, pad)});
  AddStruct(env, out, "session_lost", sizeof(session_lost), {F(session_lost, lost)});
  AddStruct(env, out, "record_header", sizeof(record_header),
            {F(record_header, kind), F(record_header, size), F(record_header, session_key),
             F(record_header, cgroup_id), F(record_header, ktime_ns), F(record_header, pid), F(record_header, ppid),
             F(record_header, comm)});
  // The variable-length part follows the fixed part: its offset is the struct's size.
  AddStruct(env, out, "exec_record", sizeof(exec_record),
            {F(exec_record, h), F(exec_record, return_code), F(exec_record, flags), F(exec_record, path_len),
             F(exec_record, args_len), Field{"data", sizeof(exec_record)}});
  AddStruct(env, out, "open_record", sizeof(open_record),
            {F(open_record, h), F(open_record, return_code), F(open_record, flags), F(open_record, path_len),
             F(open_record, record_flags), Field{"path", sizeof(open_record)}});
  AddStruct(env, out, "connect_record", sizeof(connect_record),
            {F(connect_record, h), F(connect_record, family), F(connect_record, dport), F(connect_record, sport),
             F(connect_record, pad), F(connect_record, saddr), F(connect_record, daddr)});
  return out;
}

#undef F

Napi::Value RecordConstants(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  auto set = [&](const char* name, double value) { out.Set(name, Napi::Number::New(env, value)); };
  set("TASK_COMM_LEN", TASK_COMM_LEN);
  set("RECORD_PATH_MAX", RECORD_PATH_MAX);
  set("RECORD_ARGS_MAX", RECORD_ARGS_MAX);
  set("RECORD_KIND_COUNT", RECORD_KIND_COUNT);
  set("RECORD_EXEC", RECORD_EXEC);
  set("RECORD_OPEN", RECORD_OPEN);
  set("RECORD_CONNECT", RECORD_CONNECT);
  set("RECORD_F_PATH_TRUNCATED", RECORD_F_PATH_TRUNCATED);
  set("RECORD_F_ARGS_TRUNCATED", RECORD_F_ARGS_TRUNCATED);
  set("RECORD_F_ARGS_UNREADABLE", RECORD_F_ARGS_UNREADABLE);
  set("RECORD_F_PATH_UNREADABLE", RECORD_F_PATH_UNREADABLE);
  return out;
}

}  // namespace teleport
