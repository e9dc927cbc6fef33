package dev.latchkey.server.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back to the operating system when the server is idle, without asking for JVM flags
 * ({@code java -jar latchkey.jar serve} has none). G1 otherwise keeps the heap a load burst grew to:
 * a node that once served 20,000 tokens/s would hold hundreds of megabytes forever. These options
 * are "manageable" (settable at run time) and are only set where the operator left the default:
 * a periodic collection after 10 s without one, and shrinking the heap to 30% free after it.
 */
final class MemoryTuning {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryTuning.class);
    // In this order: the JVM refuses a MaxHeapFreeRatio below the MinHeapFreeRatio in force.
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("MinHeapFreeRatio", "10");
        SETTINGS.put("MaxHeapFreeRatio", "30");
        SETTINGS.put("G1PeriodicGCInterval", "10000");
    }

    private MemoryTuning() {
    }

    static void apply() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        for (Map.Entry<String, String> setting : SETTINGS.entrySet()) {
            try {
                VMOption option = hotspot.getVMOption(setting.getKey());
                if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
                    hotspot.setVMOption(setting.getKey(), setting.getValue());
                }
            } catch (RuntimeException e) {
                // Another JVM or collector: keep its default.
                LOG.debug("JVM option {} left as it is: {}", setting.getKey(), e.toString());
            }
        }
    }
}
