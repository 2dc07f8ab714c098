from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url, dev_rabbitmq_url
from wallet.adapters.crypto import decode_key
from wallet.domain.payouts import DEFAULT_MAX_PAYOUT_MINOR
from wallet.domain.withdrawals import SuspicionThresholds, WithdrawalLimits

# Development only (production refuses it): 32 bytes, URL-safe base64.
DEV_DATA_ENCRYPTION_KEY = "ZGV2LW9ubHktd2FsbGV0LWRhdGEta2V5LTMyYnl0ZXM="


class Settings(ServiceSettings):
    """wallet settings: shared variables unprefixed, its own prefixed `WALLET_`."""

    model_config = SettingsConfigDict(env_prefix="WALLET_")
    service_name: ClassVar[str] = "wallet"

    port: int = 8004
    database_url: str = dev_database_url("wallet")
    # Logs in to RabbitMQ as its own user "wallet" (publishes only wallet.* keys).
    rabbitmq_url: str = dev_rabbitmq_url("wallet")
    # The money messages are applied set-based, one transaction per batch (saga_batch.py): at
    # the final whistle bigger batches pay more bets per second (docs/wallet.md).
    consumer_batch_size: int = 500
    consumer_prefetch: int = 1000
    # Every wallet opened gets the deployment's CURRENCY (common.settings: one per deployment).
    # AES-256-GCM key for bank account numbers at rest: 32 bytes, URL-safe base64.
    data_encryption_key: str = DEV_DATA_ENCRYPTION_KEY
    withdrawal_min_minor: int = Field(1_000, gt=0)
    withdrawal_max_minor: int = Field(10_000_000, gt=0)
    withdrawal_daily_limit_minor: int = Field(5_000_000, gt=0)
    # Users may cancel their own pending withdrawal (false where the rules forbid it, e.g. UK).
    withdrawal_user_cancel: bool = True
    idempotency_ttl_h: float = Field(24.0, gt=0)
    suspicious_deposit_window_h: float = Field(24.0, gt=0)
    suspicious_failed_withdrawals: int = Field(3, gt=0)
    suspicious_velocity_count: int = Field(3, gt=0)
    suspicious_velocity_window_min: float = Field(60.0, gt=0)

    # --- money-out and resource caps (issue 20): edit only inside this block ---
    # The most one bet may pay: a settlement above it, or above the bet's own potential win from
    # its ReserveStake, is refused (never credited; dead-lettered). Keep ≥ BETS_MAX_PAYOUT_MINOR.
    max_payout_minor: int = Field(DEFAULT_MAX_PAYOUT_MINOR, gt=0)
    # Withdrawals above this need two approvals by two different admins (four eyes).
    withdrawal_second_approval_above_minor: int = Field(500_000, ge=0)
    # Unfinished card SetupIntents a user may have at once (each is a Stripe call); one older
    # than the window counts as abandoned: no longer counted, no longer re-checked by the job.
    card_setups_pending_max: int = Field(5, gt=0)
    card_setup_pending_window_min: float = Field(60.0, gt=0)
    # The job re-checks an unfinished SetupIntent at most once per this (a lost webhook).
    card_setup_recheck_after_min: float = Field(2.0, gt=0)
    # Unpaid card deposits (PaymentIntents, Checkout Sessions) a user may have open at once.
    card_deposits_pending_max: int = Field(5, gt=0)
    # GET /deposits/{intent_id} asks Stripe about one deposit at most once per this.
    deposit_status_recheck_s: float = Field(10.0, ge=0)
    # Reports a user may have waiting or being generated at once.
    reports_in_progress_max: int = Field(2, gt=0)
    # --- end caps ---

    # --- Stripe deposits (issue 8): edit only inside this block ---
    # Stripe's own names, unprefixed, so the Stripe CLI and Stripe's docs read the same. The
    # defaults are the local simulator's keys (tools/stripe-simulator); production refuses them.
    DEV_STRIPE_SECRET_KEY: ClassVar[str] = "sk_test_looseline_simulator"  # noqa: S105
    DEV_STRIPE_WEBHOOK_SECRET: ClassVar[str] = "whsec_looseline_simulator"  # noqa: S105
    STRIPE_API: ClassVar[str] = "https://api.stripe.com"
    stripe_secret_key: str = Field(DEV_STRIPE_SECRET_KEY, validation_alias="STRIPE_SECRET_KEY")
    stripe_publishable_key: str = Field(
        "pk_test_looseline_simulator", validation_alias="STRIPE_PUBLISHABLE_KEY"
    )
    stripe_webhook_secret: str = Field(
        DEV_STRIPE_WEBHOOK_SECRET, validation_alias="STRIPE_WEBHOOK_SECRET"
    )
    # None: the SDK's default (https://api.stripe.com); `make run` points it at the simulator.
    stripe_api_base: str | None = Field(None, validation_alias="STRIPE_API_BASE")
    # Where the browser's card form confirms (answered as `stripe_api_base` with every intent
    # the browser confirms): the simulator's URL as browsers reach it; None for Stripe itself
    # (Stripe.js knows its own). Unset or empty: STRIPE_API_BASE (what `make run` and the
    # end-to-end tests point at the simulator).
    stripe_browser_api_base: str | None = Field(
        None, validation_alias="STRIPE_BROWSER_API_BASE", validate_default=True
    )
    stripe_timeout_s: float = Field(20.0, gt=0)
    stripe_max_network_retries: int = Field(2, ge=0, le=5)
    deposit_min_minor: int = Field(100, gt=0)
    deposit_max_minor: int = Field(10_000_000, gt=0)
    # A webhook whose signed timestamp is older than this is refused (replay protection).
    stripe_webhook_tolerance_s: int = Field(300, gt=0)
    # Pending deposits older than this are re-checked with Stripe (a webhook may be lost).
    deposit_recheck_after_min: float = Field(10.0, gt=0)
    deposit_recheck_interval_s: float = Field(60.0, gt=0)
    # A PaymentIntent not paid within this is cancelled at Stripe and the deposit expires.
    deposit_expiry_h: float = Field(24.0, gt=0)
    # Checkout sends the payer back to the app's pages (ARCHITECTURE.md §9) on the origin
    # `make run` prints; Stripe fills in {CHECKOUT_SESSION_ID}, which the page polls.
    checkout_success_url: str = (
        "http://127.0.0.1:8000/wallet/deposit/done?session_id={CHECKOUT_SESSION_ID}"
    )
    checkout_cancel_url: str = "http://127.0.0.1:8000/wallet/deposit/cancelled"

    @field_validator("stripe_api_base", mode="before")
    @classmethod
    def _empty_api_base_is_stripe(cls, value: object) -> object:
        return value or None

    @field_validator("stripe_browser_api_base")
    @classmethod
    def _browser_api_base_defaults_to_the_servers(
        cls, value: str | None, info: ValidationInfo
    ) -> str | None:
        base = (value or info.data.get("stripe_api_base") or "").rstrip("/")
        return None if base in ("", cls.STRIPE_API) else base

    def stripe_weak_secrets(self) -> list[str]:
        weak = []
        if self.stripe_secret_key == self.DEV_STRIPE_SECRET_KEY:
            weak.append("STRIPE_SECRET_KEY")
        if self.stripe_webhook_secret == self.DEV_STRIPE_WEBHOOK_SECRET:
            weak.append("STRIPE_WEBHOOK_SECRET")
        return weak

    # --- end Stripe deposits ---

    # --- reports and statements (issue 9): edit only inside this block ---
    # Where report files live: "filesystem" (report_dir) or "s3" (any S3-compatible store).
    report_storage: str = Field("filesystem", pattern=r"^(filesystem|s3)$")
    report_dir: str = "var/reports"
    report_s3_endpoint_url: str = ""  # empty: AWS itself; e.g. http://minio:9000
    report_s3_bucket: str = "looseline-reports"
    report_s3_region: str = "us-east-1"
    report_s3_access_key_id: str = ""
    report_s3_secret_access_key: str = ""
    # Answer a download with a redirect to an S3 presigned URL (the store must be reachable by
    # browsers) instead of streaming the file through the wallet.
    report_s3_redirect: bool = False
    # HMAC key of the download links (production refuses the development value).
    DEV_REPORT_LINK_KEY: ClassVar[str] = "dev-only-report-link-key"
    report_link_key: str = DEV_REPORT_LINK_KEY
    report_link_ttl_s: int = Field(900, gt=0)  # each download link: 15 minutes
    report_retention_h: float = Field(168.0, gt=0)  # the report file: 7 days
    # Periods with more rows (bets + history rows) than this are generated in the background.
    report_inline_max_rows: int = Field(2_000, ge=0)
    report_max_period_days: int = Field(366, gt=0)
    report_pdf_max_rows: int = Field(5_000, gt=0)  # per table; the CSV has every row
    report_job_interval_s: float = Field(5.0, gt=0)
    # Kick the generation of a background report in-process right after the request commits.
    report_kick_in_process: bool = True
    statement_job_interval_s: float = Field(3_600.0, gt=0)
    # A month's statement is generated once the month has been over this long (late commits).
    statement_grace_min: float = Field(10.0, ge=0)
    # --- end reports ---
    # Account closure: wallets being closed are checked for "nothing left" this often.
    closure_sweep_interval_s: float = Field(30.0, gt=0)

    # --- subscriptions (issue 22; service_layer/subscriptions.py): edit only inside this block ---
    # The renewal job's tick, and how far ahead of the paid end it renews (lead < every plan's
    # period, which is at least a minute): access stays continuous while the job is healthy.
    subscription_renewal_interval_s: float = Field(15.0, gt=0)
    subscription_renewal_lead_s: float = Field(30.0, ge=0, lt=60)
    # --- end subscriptions ---

    # --- packages (issue 22; service_layer/packages.py): edit only inside this block ---
    package_job_interval_s: float = Field(60.0, gt=0)
    # Notices: "expiring soon" this long before a purchase's expiry; "running out" at this many
    # units left (after some were used).
    package_expiry_notice_h: float = Field(24.0, gt=0)
    package_low_units: int = Field(1, ge=0)
    # Rows a job run takes per transaction (lapses, notices, failed card orders).
    package_job_batch: int = Field(500, ge=1, le=10_000)
    # --- end packages ---

    @field_validator("data_encryption_key")
    @classmethod
    def _key_is_32_bytes(cls, value: str) -> str:
        decode_key(value)
        return value

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        if self.data_encryption_key == DEV_DATA_ENCRYPTION_KEY:
            weak.append("WALLET_DATA_ENCRYPTION_KEY")
        if self.report_link_key == self.DEV_REPORT_LINK_KEY or len(self.report_link_key) < 32:
            weak.append("WALLET_REPORT_LINK_KEY")
        weak.extend(self.stripe_weak_secrets())
        # Card payments go to Stripe itself (the simulator or a proxy would see the secret key,
        # or in the browser the card).
        if (self.stripe_api_base or self.STRIPE_API).rstrip("/") != self.STRIPE_API:
            weak.append(f"STRIPE_API_BASE (not {self.STRIPE_API})")
        browser = self.stripe_browser_api_base
        if browser is not None and browser != (self.stripe_api_base or "").rstrip("/"):
            weak.append(f"STRIPE_BROWSER_API_BASE (not {self.STRIPE_API})")  # set on its own
        weak.extend(self.not_https("checkout_success_url", "checkout_cancel_url"))
        return weak

    @property
    def withdrawal_limits(self) -> WithdrawalLimits:
        return WithdrawalLimits(
            min_minor=self.withdrawal_min_minor,
            max_minor=self.withdrawal_max_minor,
            daily_minor=self.withdrawal_daily_limit_minor,
        )

    @property
    def suspicion_thresholds(self) -> SuspicionThresholds:
        return SuspicionThresholds(
            deposit_window=timedelta(hours=self.suspicious_deposit_window_h),
            failed_withdrawals=self.suspicious_failed_withdrawals,
            velocity_count=self.suspicious_velocity_count,
            velocity_window=timedelta(minutes=self.suspicious_velocity_window_min),
        )
