package se.portvakt.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import se.portvakt.brand.Brands;
import se.portvakt.signin.SignInJourney;

/**
 * Gives every sign-in, two-factor, push and recovery page the look of the application the browser's sign-in is
 * for ({@code brand} in the model, which the page fragments read), in one place rather than in each step. After
 * the handler, since the first page is the one that starts the sign-in; without a sign-in in progress, or for an
 * application without a look, the pages stay Portvakt's.
 */
@Configuration(proxyBeanMethods = false)
class BrandedPages implements WebMvcConfigurer, HandlerInterceptor {

    private final SignInJourney journey;
    private final Brands brands;

    BrandedPages(SignInJourney journey, Brands brands) {
        this.journey = journey;
        this.brands = brands;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/signin", "/signin/**", "/recovery/**");
    }

    @Override
    public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
            ModelAndView page) {
        if (page == null || page.getViewName() == null || page.getViewName().startsWith("redirect:")
                || page.getModel().containsKey("brand")) {
            return;
        }
        journey.currentClientId(request).flatMap(brands::of).ifPresent(brand -> page.addObject("brand", brand));
    }
}
