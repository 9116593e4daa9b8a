#include "core/ingest/decode.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/ingest/letters.h"
#include "core/model/article.h"

namespace newswire {
namespace {

// windows-1252 bytes 0x80..0x9F; the five it leaves undefined map to the C1
// control of the same value, as browsers do.
constexpr std::array<char16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void AppendWindows1252(char c, std::string& out) {
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x80) {
    out.push_back(c);
  } else {
    AppendUtf8(u < 0xA0 ? kWindows1252High[u - 0x80] : u, out);
  }
}

std::string FromWindows1252(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char c : bytes) AppendWindows1252(c, out);
  return out;
}

// Text that is UTF-8 but for some bytes: how much of each there is.
struct Utf8Mix {
  size_t first_invalid = absl::string_view::npos;
  size_t invalid_bytes = 0;
  size_t multibyte_sequences = 0;  // Valid non-ASCII characters.
};

Utf8Mix MeasureUtf8(absl::string_view bytes) {
  Utf8Mix mix;
  for (size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(bytes, i);
    if (len == 0) {
      if (mix.invalid_bytes++ == 0) mix.first_invalid = i;
      ++i;
    } else {
      ++mix.multibyte_sequences;
      i += len;
    }
  }
  return mix;
}

// `bytes` read sequence by sequence: well-formed UTF-8 kept as it is, each
// byte that starts no well-formed sequence read as windows-1252.
std::string FromMostlyUtf8(absl::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 16);
  for (size_t i = 0; i < bytes.size();) {
    const size_t len = Utf8SequenceLength(bytes, i);
    if (len == 0) {
      AppendWindows1252(bytes[i], out);
      ++i;
    } else {
      out.append(bytes.data() + i, len);
      i += len;
    }
  }
  return out;
}

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Converts with iconv from `from`; each byte sequence invalid in it becomes
// U+FFFD. Returns false if iconv does not know `from`.
bool ConvertWithIconv(absl::string_view bytes, const char* from, size_t unit,
                      std::string& out, bool& replaced) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out.clear();
  out.reserve(bytes.size() * 2 + 16);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char buffer[16384];
  while (in_left > 0) {
    char* dst = buffer;
    size_t dst_left = sizeof(buffer);
    const size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
    out.append(buffer, static_cast<size_t>(dst - buffer));
    if (rc != static_cast<size_t>(-1) || errno == E2BIG) continue;
    // EILSEQ or EINVAL (a truncated sequence at the end): skip one unit.
    out.append(kReplacement);
    replaced = true;
    const size_t skip = std::min(unit, in_left);
    in += skip;
    in_left -= skip;
  }
  char* dst = buffer;
  size_t dst_left = sizeof(buffer);
  iconv(cd, nullptr, nullptr, &dst, &dst_left);
  out.append(buffer, static_cast<size_t>(dst - buffer));
  iconv_close(cd);
  return true;
}

// A label reduced to lowercase without quotes or whitespace.
std::string CleanLabel(absl::string_view label) {
  label = absl::StripAsciiWhitespace(label);
  while (!label.empty() && (label.front() == '"' || label.front() == '\'')) label.remove_prefix(1);
  while (!label.empty() && (label.back() == '"' || label.back() == '\'')) label.remove_suffix(1);
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(label));
}

enum class Family { kUtf8, kWindows1252, kIconv };

struct Reading {
  Family family;
  const char* iconv_name = nullptr;  // For kIconv.
  size_t unit = 1;                   // Bytes to skip past an invalid sequence.
};

// How to read a (clean) label, browser-style.
Reading ReadingFor(absl::string_view label) {
  if (label == "utf-8" || label == "utf8" || label == "unicode-1-1-utf-8") {
    return {Family::kUtf8};
  }
  for (absl::string_view latin : {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1",
                                  "l1", "us-ascii", "ascii", "ansi_x3.4-1968",
                                  "windows-1252", "cp1252", "x-cp1252", "cp819"}) {
    if (label == latin) return {Family::kWindows1252};
  }
  if (label == "utf-16le") return {Family::kIconv, "UTF-16LE", 2};
  if (label == "utf-16be") return {Family::kIconv, "UTF-16BE", 2};
  if (label == "utf-16" || label == "unicode") return {Family::kIconv, "UTF-16", 2};
  if (label == "utf-32le") return {Family::kIconv, "UTF-32LE", 4};
  if (label == "utf-32be") return {Family::kIconv, "UTF-32BE", 4};
  if (label == "utf-32") return {Family::kIconv, "UTF-32", 4};
  if (label == "gb2312" || label == "gbk" || label == "x-gbk" || label == "chinese") {
    return {Family::kIconv, "GBK"};
  }
  if (label == "euc-kr" || label == "ks_c_5601-1987" || label == "korean") {
    return {Family::kIconv, "CP949"};
  }
  if (label == "big5" || label == "x-x-big5" || label == "big5-hkscs") {
    return {Family::kIconv, "BIG5-HKSCS"};
  }
  if (label == "x-sjis" || label == "sjis" || label == "ms_kanji") {
    return {Family::kIconv, "SHIFT_JIS"};
  }
  return {Family::kIconv, nullptr};  // Whatever iconv calls it.
}

// UTF-16/32 without a byte order mark, from how '<' or '{' is laid out.
absl::string_view SniffWideLabel(absl::string_view b) {
  if (b.size() < 4) return "";
  const auto at = [&](size_t i) { return static_cast<unsigned char>(b[i]); };
  const bool opener0 = at(0) == '<' || at(0) == '{';
  const bool opener1 = at(1) == '<' || at(1) == '{';
  const bool opener3 = at(3) == '<' || at(3) == '{';
  if (opener0 && at(1) == 0 && at(2) == 0 && at(3) == 0) return "utf-32le";
  if (at(0) == 0 && at(1) == 0 && at(2) == 0 && opener3) return "utf-32be";
  if (opener0 && at(1) == 0 && at(2) != 0 && at(3) == 0) return "utf-16le";
  if (at(0) == 0 && opener1 && at(2) == 0) return "utf-16be";
  return "";
}

struct Bom {
  absl::string_view bytes;
  absl::string_view label;
};

// Longest first: the UTF-32LE mark starts with the UTF-16LE one.
// (Lengths are explicit: the marks contain NUL bytes.)
constexpr Bom kBoms[] = {{absl::string_view("\xFF\xFE\x00\x00", 4), "utf-32le"},
                         {absl::string_view("\x00\x00\xFE\xFF", 4), "utf-32be"},
                         {absl::string_view("\xEF\xBB\xBF", 3), "utf-8"},
                         {absl::string_view("\xFF\xFE", 2), "utf-16le"},
                         {absl::string_view("\xFE\xFF", 2), "utf-16be"}};

}  // namespace

void ReplaceC1Controls(std::string& text) {
  const auto is_c1_at = [&text](size_t i) {
    return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
           static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
           static_cast<unsigned char>(text[i + 1]) <= 0x9F;
  };
  size_t i = text.find('\xC2');
  while (i != std::string::npos && !is_c1_at(i)) i = text.find('\xC2', i + 1);
  if (i == std::string::npos) return;
  std::string out(text, 0, i);
  out.reserve(text.size() + 16);
  for (; i < text.size(); ++i) {
    if (is_c1_at(i)) {
      AppendUtf8(kWindows1252High[static_cast<unsigned char>(text[i + 1]) - 0x80], out);
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  text = std::move(out);
}

std::string XmlDeclaredEncoding(absl::string_view text) {
  if (!absl::StartsWith(text, "<?xml")) return "";
  const size_t end = text.find("?>");
  const absl::string_view decl = text.substr(0, end == absl::string_view::npos ? 200 : end);
  const size_t key = decl.find("encoding");
  if (key == absl::string_view::npos) return "";
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(decl.substr(key + 8));
  if (!absl::ConsumePrefix(&rest, "=")) return "";
  rest = absl::StripLeadingAsciiWhitespace(rest);
  if (rest.empty() || (rest[0] != '"' && rest[0] != '\'')) return "";
  const char quote = rest[0];
  rest.remove_prefix(1);
  return CleanLabel(rest.substr(0, rest.find(quote)));
}

DecodedText DecodeFeedBytes(absl::string_view bytes, absl::string_view transport_charset) {
  std::string label;
  for (const Bom& bom : kBoms) {
    if (absl::StartsWith(bytes, bom.bytes)) {
      bytes.remove_prefix(bom.bytes.size());
      label = std::string(bom.label);
      break;
    }
  }
  if (label.empty()) label = CleanLabel(transport_charset);
  if (label.empty()) label = std::string(SniffWideLabel(bytes));
  if (label.empty()) label = XmlDeclaredEncoding(bytes);
  if (label.empty()) label = "utf-8";

  DecodedText decoded;
  decoded.encoding = label;
  const Reading reading = ReadingFor(label);
  if (reading.family == Family::kWindows1252) {
    decoded.text = FromWindows1252(bytes);
    return decoded;
  }
  bool unknown = false;
  if (reading.family == Family::kIconv) {
    bool replaced = false;
    const std::string iconv_name =
        reading.iconv_name != nullptr ? reading.iconv_name : absl::AsciiStrToUpper(label);
    if (ConvertWithIconv(bytes, iconv_name.c_str(), reading.unit, decoded.text, replaced)) {
      if (replaced) {
        decoded.note = absl::StrCat("bytes invalid in ", label, " were replaced by U+FFFD");
      }
      return decoded;
    }
    unknown = true;
  }
  // UTF-8, as labelled or in place of an unknown label.
  const std::string why = unknown ? absl::StrCat("unknown encoding \"", label, "\"") : "";
  if (const Utf8Mix mix = MeasureUtf8(bytes); mix.invalid_bytes > 0) {
    const std::string where = absl::StrCat(why, unknown ? " and " : "",
                                           "not valid UTF-8 at byte ", mix.first_invalid);
    if (mix.multibyte_sequences == 0) {
      // Nothing in it is UTF-8 beyond ASCII: windows-1252 throughout.
      decoded.note = absl::StrCat(where, ": read as windows-1252");
      decoded.encoding = "windows-1252";
      decoded.text = FromWindows1252(bytes);
      return decoded;
    }
    decoded.note = absl::StrCat(where, " (", mix.invalid_bytes, " invalid byte",
                                mix.invalid_bytes == 1 ? "" : "s",
                                "): those bytes read as windows-1252, the rest as UTF-8");
    decoded.encoding = "utf-8";
    decoded.text = FromMostlyUtf8(bytes);
    return decoded;
  }
  if (unknown) {
    decoded.note = absl::StrCat(why, ": read as utf-8");
    decoded.encoding = "utf-8";
  }
  decoded.text = std::string(bytes);
  return decoded;
}

}  // namespace newswire
