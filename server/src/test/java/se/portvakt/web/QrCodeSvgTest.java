package se.portvakt.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import io.nayuki.qrcodegen.QrCode;

/**
 * The QR code a person scans to set up an authenticator app: well-formed SVG that CSS can size, and exactly the
 * modules of the code qrcodegen made for the text (no decoder on the class path, so the drawing is read back
 * module by module instead).
 */
class QrCodeSvgTest {

    private static final String SVG = "http://www.w3.org/2000/svg";
    private static final String URI = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
            + "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";
    private static final Pattern RUN = Pattern.compile("M(\\d+),(\\d+)h(\\d+)v1h-(\\d+)z");

    @Test
    void itIsOneSvgElementWithOnePathThatCssSizes() throws Exception {
        Element svg = parse(QrCodeSvg.of(URI)).getDocumentElement();

        assertThat(svg.getNamespaceURI()).isEqualTo(SVG);
        assertThat(svg.getLocalName()).isEqualTo("svg");
        assertThat(svg.getElementsByTagNameNS(SVG, "path").getLength()).isEqualTo(1);
        assertThat(svg.getAttribute("shape-rendering")).isEqualTo("crispEdges");
        assertThat(svg.hasAttribute("width")).isFalse();
        assertThat(svg.hasAttribute("height")).isFalse();
        assertThat(svg.getAttribute("role")).isEqualTo("img");
        assertThat(svg.getAttribute("aria-label")).isEqualTo("QR code");
    }

    @Test
    void theDrawingHasExactlyTheModulesOfTheCodeInsideAQuietZoneOfFour() throws Exception {
        QrCode qr = QrCodeSvg.encode(URI);
        Element svg = parse(QrCodeSvg.of(URI)).getDocumentElement();
        int side = qr.size + 8;
        assertThat(svg.getAttribute("viewBox")).isEqualTo("0 0 " + side + " " + side);

        boolean[][] drawn = new boolean[side][side];
        String d = ((Element) svg.getElementsByTagNameNS(SVG, "path").item(0)).getAttribute("d");
        Matcher run = RUN.matcher(d);
        int end = 0;
        while (run.find()) {
            assertThat(run.start()).as("only runs in the path").isEqualTo(end);
            end = run.end();
            int x = Integer.parseInt(run.group(1));
            int y = Integer.parseInt(run.group(2));
            int length = Integer.parseInt(run.group(3));
            assertThat(run.group(4)).isEqualTo(run.group(3));
            for (int i = 0; i < length; i++) {
                assertThat(drawn[y][x + i]).as("module %d,%d drawn twice", x + i, y).isFalse();
                drawn[y][x + i] = true;
            }
        }
        assertThat(end).isEqualTo(d.length());

        int dark = 0;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int qx = x - 4;
                int qy = y - 4;
                boolean inCode = qx >= 0 && qy >= 0 && qx < qr.size && qy < qr.size;
                assertThat(drawn[y][x]).as("module %d,%d", qx, qy).isEqualTo(inCode && qr.getModule(qx, qy));
                dark += drawn[y][x] ? 1 : 0;
            }
        }
        assertThat(dark).isGreaterThan(qr.size * qr.size / 4);
    }

    @Test
    void errorCorrectionIsAtLeastMedium() {
        assertThat(QrCodeSvg.encode(URI).errorCorrectionLevel.ordinal()).isGreaterThanOrEqualTo(QrCode.Ecc.MEDIUM.ordinal());
    }

    @Test
    void theLabelIsEscapedAndReadBackUnchanged() throws Exception {
        String label = "Skanna \"koden\" <här> & klart";
        Element svg = parse(QrCodeSvg.of("x", label)).getDocumentElement();
        assertThat(svg.getAttribute("aria-label")).isEqualTo(label);
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }
}
