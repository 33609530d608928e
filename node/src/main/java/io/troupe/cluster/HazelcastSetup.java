package io.troupe.cluster;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;

/** The Hazelcast member configuration of a node, from its {@link MemberSettings}. */
final class HazelcastSetup {
  static final String QUORUM = "troupe-quorum";
  static final String ATTR_NAME = "troupe.name";
  static final String ATTR_GRPC = "troupe.grpc";
  static final String ATTR_LINK = "troupe.link";
  static final String ATTR_KEY = "troupe.key";

  /** The prefix of the classes of ours that members may deserialize. */
  static final String TROUPE_CLASSES = "io.troupe.";

  private HazelcastSetup() {}

  static Config config(MemberSettings n) {
    int grpcPort = n.grpcPort();
    Config c = new Config();
    c.setClusterName(n.clusterName());
    c.setInstanceName(n.name() + "-" + grpcPort);
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.local.localAddress", n.host());
    c.setProperty("hazelcast.socket.bind.any", "false");
    // failure detection in seconds, not Hazelcast's default minute
    c.setProperty("hazelcast.heartbeat.interval.seconds", secs(n.heartbeat()));
    c.setProperty("hazelcast.max.no.heartbeat.seconds", secs(n.maxNoHeartbeat()));
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    // a write whose backup did not confirm in time fails instead of passing as replicated: a
    // commit is acknowledged only once it is on the backup, even across a split
    c.setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
    // ...and it fails after 1.5 s, not Hazelcast's 5 s: just after a member dies, writes whose
    // backup was on it wait this long (measured: a takeover stuck 5 s made a failover take 5.6 s)
    c.setProperty("hazelcast.operation.backup.timeout.millis", "1500");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // what members send is deserialized only into our classes, Hazelcast's and the JDK's (less
    // the known gadget classes Hazelcast's default list refuses): never an arbitrary class
    c.getSerializationConfig()
        .setJavaSerializationFilterConfig(
            new JavaSerializationFilterConfig()
                .setDefaultsDisabled(false)
                .setWhitelist(new ClassFilter().addPrefixes(TROUPE_CLASSES)));
    c.getNetworkConfig().setPort(n.hzPort()).setPortAutoIncrement(false);
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (n.kubernetesDns().isPresent()) {
      // the members are the addresses of a headless Service: no API access, no RBAC needed
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", n.kubernetesDns().get())
          .setProperty("service-port", Integer.toString(n.hzPort()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(n.members());
    }
    c.getMemberAttributeConfig().setAttribute(ATTR_NAME, n.name());
    c.getMemberAttributeConfig().setAttribute(ATTR_GRPC, n.apiHost() + ":" + grpcPort);
    c.getMemberAttributeConfig().setAttribute(ATTR_LINK, n.host() + ":" + n.linkPort());
    c.getMemberAttributeConfig().setAttribute(ATTR_KEY, n.publicKey());

    c.addSplitBrainProtectionConfig(
        new SplitBrainProtectionConfig(QUORUM, true, n.quorum())
            .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
    c.addMapConfig(
        new MapConfig(ClusterChainStore.ACTORS)
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setBackupCount(n.backupCount())
            .setAsyncBackupCount(0)
            .setReadBackupData(false)
            .setSplitBrainProtectionName(QUORUM));
    c.addMapConfig(
        new MapConfig(ClusterChainStore.MODULES)
            .setInMemoryFormat(InMemoryFormat.BINARY)
            .setBackupCount(Math.max(1, n.backupCount()))
            .setSplitBrainProtectionName(QUORUM));
    return c;
  }

  private static String secs(java.time.Duration d) {
    return Long.toString(Math.max(1, (d.toMillis() + 999) / 1000));
  }
}
