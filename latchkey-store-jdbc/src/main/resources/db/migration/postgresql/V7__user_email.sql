-- End users' e-mail addresses (OIDC Core §5.1 email), given at creation or sign-up.
ALTER TABLE accounts ADD COLUMN email TEXT;
