package org.hwpersonality.attach.libvirt.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hwpersonality.api.attach.AttachmentException;
import org.hwpersonality.api.device.PciAddress;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Reads what {@code virsh dumpxml} prints: the PCI functions passed through to the domain. */
final class DomainXml {
    private DomainXml() {}

    /**
     * The sources of the domain's {@code <hostdev mode='subsystem' type='pci'>} devices. The document is read
     * without DTDs or external entities.
     */
    static List<PciAddress> pciHostdevs(String xml) {
        Element domain;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            factory.setXIncludeAware(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            domain = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception e) {
            throw new AttachmentException(
                    AttachmentException.Kind.UNAVAILABLE, "virsh dumpxml printed no domain XML: " + e.getMessage());
        }
        List<PciAddress> out = new ArrayList<>();
        NodeList hostdevs = domain.getElementsByTagName("hostdev");
        for (int i = 0; i < hostdevs.getLength(); i++) {
            Element h = (Element) hostdevs.item(i);
            if (!"subsystem".equals(h.getAttribute("mode")) || !"pci".equals(h.getAttribute("type"))) {
                continue;
            }
            NodeList sources = h.getElementsByTagName("source");
            if (sources.getLength() == 0) {
                continue;
            }
            NodeList addresses = ((Element) sources.item(0)).getElementsByTagName("address");
            if (addresses.getLength() == 0) {
                continue;
            }
            Element a = (Element) addresses.item(0);
            try {
                out.add(new PciAddress(
                        number(a.getAttribute("domain")),
                        number(a.getAttribute("bus")),
                        number(a.getAttribute("slot")),
                        number(a.getAttribute("function"))));
            } catch (RuntimeException e) {
                // an address this reader does not understand is not one of HWP's
            }
        }
        return out;
    }

    /** libvirt writes {@code 0x3b}; it also accepts decimal. An absent attribute is 0. */
    private static int number(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        return text.startsWith("0x") || text.startsWith("0X")
                ? Integer.parseInt(text.substring(2), 16)
                : Integer.parseInt(text);
    }
}
