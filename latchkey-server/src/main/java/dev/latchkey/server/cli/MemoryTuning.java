package dev.latchkey.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back to the operating system when the server is idle, without asking for JVM flags
 * ({@code java -jar latchkey.jar serve} has none). G1 otherwise keeps the heap a load burst grew to:
 * a node that once served 20,000 tokens/s would hold hundreds of megabytes forever. These options
 * are "manageable" (settable at run time) and are only set where the operator left the default:
 * a periodic collection after 15 s without one, and shrinking the heap to 30% free after it.
 */
final class MemoryTuning {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryTuning.class);
    private static final Map<String, String> SETTINGS = Map.of(
            "G1PeriodicGCInterval", "15000",
            "MaxHeapFreeRatio", "30",
            "MinHeapFreeRatio", "10");

    private MemoryTuning() {
    }

    static void apply() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            for (Map.Entry<String, String> setting : SETTINGS.entrySet()) {
                VMOption option = hotspot.getVMOption(setting.getKey());
                if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
                    hotspot.setVMOption(setting.getKey(), setting.getValue());
                }
            }
        } catch (RuntimeException e) {
            // Another JVM or collector: keep its defaults.
            LOG.debug("JVM memory options left as they are: {}", e.toString());
        }
    }
}
