# Writes OUTPUT, a C++ file defining newswire::MonitorPage() as the text of
# INPUT (the wire monitor page), so the binary serves it with no files
# beside it. Run by service/CMakeLists.txt whenever INPUT changes.
file(READ ${INPUT} CONTENT)
file(WRITE ${OUTPUT}
  "// Generated from service/monitor/index.html by embed.cmake: do not edit.\n"
  "#include \"service/monitor_page.h\"\n\n"
  "namespace newswire {\n\n"
  "absl::string_view MonitorPage() {\n"
  "  static constexpr char kPage[] = R\"nwpage(${CONTENT})nwpage\";\n"
  "  return absl::string_view(kPage, sizeof(kPage) - 1);\n"
  "}\n\n"
  "}  // namespace newswire\n")
