#include "service/request_bytes.h"

#include <string>

#include "google/protobuf/descriptor.h"

namespace newswire {

int MethodIndex(absl::string_view service, absl::string_view method) {
  const google::protobuf::ServiceDescriptor* described =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service));
  return described->FindMethodByName(std::string(method))->index();
}

}  // namespace newswire
