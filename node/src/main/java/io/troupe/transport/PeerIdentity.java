package io.troupe.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is on the other end of a node link: with cluster TLS, the node its certificate (signed by the
 * cluster CA, which the TLS handshake checked) names, as its subject's common name or a DNS name
 * among its subject alternative names.
 */
public final class PeerIdentity {
  private static final Context.Key<SSLSession> SESSION = Context.key("troupe-link-tls-session");

  private PeerIdentity() {}

  /** Puts each call's TLS session where {@link #current()} and {@link #names()} find it. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
          return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
            Context.current().withValue(SESSION, session), call, headers, next);
      }
    };
  }

  /**
   * Whether the current call's peer is the node of a given name: always true on a link without TLS
   * (the network is trusted), else whether its certificate names it.
   */
  static Predicate<String> current() {
    SSLSession session = SESSION.get();
    if (session == null) {
      return name -> true;
    }
    List<String> names = names(session);
    return names::contains;
  }

  /**
   * The names the current call's peer certificate gives, or empty on a link without TLS (no
   * certificate: the network is trusted).
   */
  public static Optional<List<String>> names() {
    SSLSession session = SESSION.get();
    return session == null ? Optional.empty() : Optional.of(names(session));
  }

  /** The names the peer's certificate gives: its subject's CN and its DNS alternative names. */
  static List<String> names(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
        return List.of();
      }
      java.util.ArrayList<String> out = new java.util.ArrayList<>();
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          out.add(String.valueOf(rdn.getValue()));
        }
      }
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0))) { // dNSName
            out.add(String.valueOf(san.get(1)));
          }
        }
      }
      return out.stream().distinct().toList();
    } catch (SSLPeerUnverifiedException | InvalidNameException | CertificateParsingException e) {
      return List.of();
    }
  }
}
