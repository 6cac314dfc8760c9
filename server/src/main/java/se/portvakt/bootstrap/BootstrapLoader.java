package se.portvakt.bootstrap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import se.portvakt.account.Account;
import se.portvakt.account.AccountStore;
import se.portvakt.account.EmailAddress;
import se.portvakt.brand.BrandDefinition;
import se.portvakt.brand.Brand;
import se.portvakt.brand.Brands;
import se.portvakt.brand.LogoUrls;
import se.portvakt.client.ClientDefinition;
import se.portvakt.client.Clients;
import se.portvakt.config.PortvaktProperties;
import se.portvakt.password.PasswordHasher;

/**
 * Applies the bootstrap file ({@code portvakt.bootstrap}, or the environment variable {@code PORTVAKT_BOOTSTRAP})
 * at start-up. Idempotent: clients and accounts are matched by client id and email, changes are applied, and
 * nothing is duplicated. A password in the file is set only while the account has none, so a password the
 * person chose later is never overwritten. A broken file stops the start with a message naming the entry.
 */
@Component
@Order(0)
class BootstrapLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapLoader.class);

    private final PortvaktProperties properties;
    private final ResourceLoader resources;
    private final Clients clients;
    private final Brands brands;
    private final LogoUrls logoUrls;
    private final AccountStore accounts;
    private final PasswordHasher hasher;
    private final TransactionTemplate transaction;
    private final ApplicationStartup startup;

    BootstrapLoader(PortvaktProperties properties, ResourceLoader resources, Clients clients, Brands brands,
            LogoUrls logoUrls, AccountStore accounts, PasswordHasher hasher, TransactionTemplate transaction,
            ApplicationStartup startup) {
        this.properties = properties;
        this.resources = resources;
        this.clients = clients;
        this.brands = brands;
        this.logoUrls = logoUrls;
        this.accounts = accounts;
        this.hasher = hasher;
        this.transaction = transaction;
        this.startup = startup;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        String location = properties.bootstrap();
        if (location == null || location.isBlank()) {
            return;
        }
        StartupStep step = startup.start("portvakt.bootstrap.read").tag("location", location);
        BootstrapFile file = read(location);
        step.end();
        // Checked, and logo URLs fetched, before the transaction: a slow image host holds no database connection.
        List<BrandDefinition> looks = looksOf(file);
        transaction.executeWithoutResult(status -> apply(file, looks));
        log.info("Bootstrap {} applied: {} clients, {} accounts", location, file.clients().size(), file.accounts().size());
    }

    BootstrapFile read(String location) throws IOException {
        Resource resource = resources.getResource(location.contains(":") ? location : "file:" + location);
        if (!resource.exists()) {
            throw new IllegalStateException("portvakt.bootstrap names " + location + ", which does not exist");
        }
        var sources = new YamlPropertySourceLoader().load("bootstrap", resource);
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));
        BootstrapFile file = binder.bind("", Bindable.of(BootstrapFile.class)).orElse(new BootstrapFile(null, null));
        return new BootstrapFile(withLogosFrom(resource, file.clients()), file.accounts());
    }

    /**
     * The clients with each logo's location made absolute: a path is relative to the bootstrap file; a URL stays as
     * it is.
     */
    private static List<BootstrapFile.Client> withLogosFrom(Resource file, List<BootstrapFile.Client> entries)
            throws IOException {
        List<BootstrapFile.Client> resolved = new ArrayList<>();
        for (BootstrapFile.Client c : entries) {
            String logo = c.logo();
            if (logo != null && !logo.isBlank() && !logo.startsWith("classpath:") && !LogoUrls.isUrl(logo)) {
                Resource relative = file.createRelative(logo);
                if (!relative.exists()) {
                    throw new IllegalArgumentException("bootstrap client " + c.id() + ": logo " + logo
                            + " does not exist (a path relative to the bootstrap file, classpath:... or an https: URL)");
                }
                // A classpath location stays one, so it also resolves inside the packaged jar.
                logo = relative instanceof ClassPathResource inClasspath ? "classpath:" + inClasspath.getPath()
                        : relative.getURL().toString();
            }
            resolved.add(new BootstrapFile.Client(c.id(), c.name(), c.type(), c.secret(), c.redirectUris(),
                    c.postLogoutRedirectUris(), c.scopes(), c.idTokenSigningAlg(), c.accessTokenSigningAlg(),
                    c.requireTwoFactor(), c.displayName(), logo, c.accentColor(), c.backchannelLogoutUri(),
                    c.backchannelLogoutSessionRequired(), c.secretHash()));
        }
        return resolved;
    }

    /** The client's look, checked: a missing, too big or foreign logo or an unreadable colour stops the start. */
    private BrandDefinition brandOf(BootstrapFile.Client entry) {
        String logoName = entry.logo();
        if (logoName != null && !logoName.isBlank() && LogoUrls.isUrl(logoName)) {
            return brandFromUrl(entry, logoName);
        }
        byte[] logo = logoName == null || logoName.isBlank() ? null : logoBytes(entry, logoName);
        return checked(() -> BrandDefinition.of(entry.id(), entry.displayName(), logoName, logo, entry.accentColor()));
    }

    /** The first bytes of a logo file or classpath resource, one more than a logo may have. */
    private byte[] logoBytes(BootstrapFile.Client entry, String logoName) {
        Resource resource = resources.getResource(logoName);
        if (!resource.exists()) {
            throw new IllegalArgumentException("bootstrap client " + entry.id() + ": logo " + logoName
                    + " does not exist");
        }
        try (var in = resource.getInputStream()) {
            return in.readNBytes(BrandDefinition.MAX_LOGO_BYTES + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("bootstrap client " + entry.id() + ": logo " + logoName
                    + " could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * The look with a logo fetched from its URL. When it cannot be fetched, or what arrives is refused, the logo
     * stored at an earlier start is kept (with a warning), so an image host that is down does not stop Portvakt;
     * without one, the start stops.
     */
    private BrandDefinition brandFromUrl(BootstrapFile.Client entry, String url) {
        LogoUrls.Fetched logo;
        try {
            logo = logoUrls.fetch(entry.id(), url);
        } catch (IllegalArgumentException failed) {
            Brand stored = brands.of(entry.id()).filter(b -> b.logo() != null).orElse(null);
            if (stored == null) {
                throw new IllegalArgumentException("bootstrap " + failed.getMessage(), failed);
            }
            log.warn("Bootstrap {}; keeping the logo stored at an earlier start ({})", failed.getMessage(),
                    stored.logoUrl());
            logo = new LogoUrls.Fetched(stored.logo(), stored.logoType());
        }
        LogoUrls.Fetched fetched = logo;
        return checked(() -> BrandDefinition.of(entry.id(), entry.displayName(), url, fetched.bytes(), fetched.type(),
                entry.accentColor()));
    }

    private static BrandDefinition checked(Supplier<BrandDefinition> definition) {
        try {
            return definition.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bootstrap " + e.getMessage(), e);
        }
    }

    void apply(BootstrapFile file) {
        apply(file, looksOf(file));
    }

    /** Each client's look, in the file's order, checked; logos given as URLs are fetched. */
    private List<BrandDefinition> looksOf(BootstrapFile file) {
        StartupStep step = startup.start("portvakt.bootstrap.looks");
        List<BrandDefinition> looks = new ArrayList<>();
        for (BootstrapFile.Client entry : file.clients()) {
            looks.add(brandOf(entry));
        }
        step.end();
        return looks;
    }

    private void apply(BootstrapFile file, List<BrandDefinition> looks) {
        for (int i = 0; i < file.clients().size(); i++) {
            BootstrapFile.Client entry = file.clients().get(i);
            BrandDefinition brand = looks.get(i);
            StartupStep step = startup.start("portvakt.bootstrap.client").tag("id", entry.id());
            clients.apply(new ClientDefinition(entry.id(), entry.name(), entry.type(), entry.secret(),
                    entry.redirectUris(), entry.postLogoutRedirectUris(), entry.scopes(), entry.idTokenSigningAlg(),
                    entry.accessTokenSigningAlg(),
                    Boolean.TRUE.equals(entry.requireTwoFactor()), entry.backchannelLogoutUri(),
                    !Boolean.FALSE.equals(entry.backchannelLogoutSessionRequired()), entry.secretHash()));
            brands.apply(entry.id(), entry.name() == null || entry.name().isBlank() ? entry.id() : entry.name(), brand);
            step.end();
        }
        for (BootstrapFile.AccountEntry entry : file.accounts()) {
            StartupStep step = startup.start("portvakt.bootstrap.account");
            applyAccount(entry);
            step.end();
        }
    }

    private void applyAccount(BootstrapFile.AccountEntry entry) {
        EmailAddress email = EmailAddress.parse(entry.email())
                .orElseThrow(() -> new IllegalArgumentException("bootstrap account " + entry.email() + ": not an email address"));
        if (entry.password() != null && entry.passwordHash() != null) {
            throw new IllegalArgumentException("bootstrap account " + email + ": give password or password-hash, not both");
        }
        if (entry.passwordHash() != null && !hasher.isSupported(entry.passwordHash())) {
            throw new IllegalArgumentException("bootstrap account " + email
                    + ": password-hash must start with {argon2}, {bcrypt} or {pbkdf2}");
        }
        boolean verified = Boolean.TRUE.equals(entry.emailVerified());
        Optional<Account> existing = accounts.findByEmail(email);
        if (existing.isEmpty()) {
            accounts.create(email, entry.name(), verified, initialHash(entry));
            return;
        }
        Account account = existing.get();
        accounts.updateProfile(account.id(), entry.name(), verified);
        if (account.passwordHash().isEmpty()) {
            String hash = initialHash(entry);
            if (hash != null) {
                accounts.updatePasswordHash(account.id(), hash);
            }
        }
    }

    private String initialHash(BootstrapFile.AccountEntry entry) {
        if (entry.passwordHash() != null) {
            return entry.passwordHash();
        }
        return entry.password() == null ? null : hasher.hash(entry.password());
    }
}
