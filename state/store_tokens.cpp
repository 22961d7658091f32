// The Qdrant JWTs hxctl issued: the one record revocation trusts. The token collection on the
// server only mirrors the live ones, and anyone with manage rights can write there.
#include "state/store.h"
#include "state/store_error.h"

namespace hx {

Status Store::recordIssuedToken(const IssuedToken& t) {
  return guarded([&]() -> Status {
    sql::Statement put(*db_,
                       "INSERT INTO issued_tokens(jti, server, key, token_file, secret_digest, "
                       "issued_at, seq) VALUES (?, ?, ?, ?, ?, ?, "
                       "(SELECT COALESCE(MAX(seq), 0) + 1 FROM issued_tokens))");
    put.bind(1, t.jti);
    put.bind(2, t.server);
    put.bind(3, t.key);
    put.bind(4, t.tokenFile);
    put.bind(5, t.secretDigest);
    put.bind(6, t.issuedAt ? t.issuedAt : clock_.nowSeconds());
    put.exec();
    return Status::ok();
  });
}

Status Store::markTokenRevoked(const std::string& jti) {
  return guarded([&]() -> Status {
    sql::Statement put(
        *db_, "UPDATE issued_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL");
    put.bind(1, clock_.nowSeconds());
    put.bind(2, jti);
    put.exec();
    return Status::ok();
  });
}

Result<std::vector<IssuedToken>> Store::liveTokens(const std::string& server) {
  return guarded([&]() -> Result<std::vector<IssuedToken>> {
    sql::Statement q(*db_,
                     "SELECT server, key, jti, token_file, secret_digest, issued_at FROM "
                     "issued_tokens WHERE server = ? AND revoked_at IS NULL ORDER BY "
                     "issued_at, seq");
    q.bind(1, server);
    std::vector<IssuedToken> out;
    while (q.executeStep())
      out.push_back(IssuedToken{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                q.getColumn(2).getString(), q.getColumn(3).getString(),
                                q.getColumn(4).getString(), q.getColumn(5).getInt64()});
    return out;
  });
}

}  // namespace hx
